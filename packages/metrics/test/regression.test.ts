import { describe, expect, it } from 'vitest';
import { meanAbsoluteError, meanSquaredError, r2Score } from '../src/index';

// yTrue [3, -0.5, 2, 7] and yPred [2.5, 0, 2, 8] differ by [0.5, -0.5, 0, -1].
// Squared: [0.25, 0.25, 0, 1], sum 1.5. The mean of yTrue is 2.875 and the squared deviations
// from it are [0.015625, 11.390625, 0.765625, 17.015625], sum 29.1875.
const Y_TRUE = [3, -0.5, 2, 7];
const Y_PRED = [2.5, 0, 2, 8];

describe('meanSquaredError', () => {
  it('averages squared differences', () => {
    expect(meanSquaredError(Y_TRUE, Y_PRED)).toBeCloseTo(1.5 / 4, 12);
  });

  it('rejects mismatched lengths', () => {
    expect(() => meanSquaredError([1, 2], [1])).toThrow(
      'meanSquaredError: yTrue has 2 values but yPred has 1',
    );
  });

  it('rejects non-finite values', () => {
    expect(() => meanSquaredError([1, Number.NaN], [1, 2])).toThrow(
      'meanSquaredError: yTrue[1] is NaN; values must be finite',
    );
  });
});

describe('meanAbsoluteError', () => {
  it('averages absolute differences', () => {
    expect(meanAbsoluteError(Y_TRUE, Y_PRED)).toBeCloseTo(2 / 4, 12);
  });

  it('rejects empty input', () => {
    expect(() => meanAbsoluteError([], [])).toThrow('meanAbsoluteError: yTrue and yPred are empty');
  });
});

describe('r2Score', () => {
  it('compares residuals with the variance', () => {
    expect(r2Score(Y_TRUE, Y_PRED)).toBeCloseTo(1 - 1.5 / 29.1875, 12);
  });

  it('is 1 for perfect predictions', () => {
    expect(r2Score([1, 2, 3], [1, 2, 3])).toBe(1);
  });

  it('can be negative', () => {
    // Predicting [3, 2, 1] for [1, 2, 3]: residuals 8, variance sum 2.
    expect(r2Score([1, 2, 3], [3, 2, 1])).toBeCloseTo(1 - 8 / 2, 12);
  });

  it('forces a finite score for constant targets', () => {
    expect(r2Score([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(r2Score([2, 2, 2], [2, 2, 3])).toBe(0);
  });

  it('returns NaN and -Infinity without forceFinite', () => {
    expect(r2Score([2, 2, 2], [2, 2, 2], { forceFinite: false })).toBeNaN();
    expect(r2Score([2, 2, 2], [2, 2, 3], { forceFinite: false })).toBe(Number.NEGATIVE_INFINITY);
  });

  it('is NaN for one sample', () => {
    expect(r2Score([1], [2])).toBeNaN();
  });
});
