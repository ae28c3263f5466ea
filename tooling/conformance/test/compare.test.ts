import { describe, expect, test } from 'vitest';
import { accumulationTolerance, compareValues, valuesMatch } from '../src/compare';

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;
const TOLERANCE = { atol: 1e-5, rtol: 1e-4 };

describe('valuesMatch', () => {
  test('NaN matches only NaN', () => {
    expect(valuesMatch(NAN, NAN, TOLERANCE)).toBe(true);
    expect(valuesMatch(NAN, 0, TOLERANCE)).toBe(false);
    expect(valuesMatch(0, NAN, TOLERANCE)).toBe(false);
  });

  test('infinities match exactly', () => {
    expect(valuesMatch(INF, INF, TOLERANCE)).toBe(true);
    expect(valuesMatch(INF, -INF, TOLERANCE)).toBe(false);
    expect(valuesMatch(INF, 3e38, TOLERANCE)).toBe(false);
    expect(valuesMatch(3e38, INF, TOLERANCE)).toBe(false);
  });

  test('finite values use atol plus rtol', () => {
    expect(valuesMatch(1000, 1000.1, TOLERANCE)).toBe(true);
    expect(valuesMatch(1000, 1000.2, TOLERANCE)).toBe(false);
    expect(valuesMatch(0, 9e-6, TOLERANCE)).toBe(true);
    expect(valuesMatch(0, -0, 'exact')).toBe(true);
    expect(valuesMatch(3, 4, 'exact')).toBe(false);
  });
});

describe('compareValues', () => {
  test('returns null when everything matches', () => {
    expect(compareValues('case', [1, NAN, -INF], [1, NAN, -INF], [3], 'exact')).toBeNull();
  });

  test('names the case, the first and the largest mismatch', () => {
    const message = compareValues(
      'unary/exp:float32',
      [1, 2, 3, 4],
      [1, 2.5, 3, 9],
      [2, 2],
      TOLERANCE,
    );
    expect(message).toContain('unary/exp:float32: 2 of 4 elements differ');
    expect(message).toContain('first at element 1 (index [0, 1]): expected 2, got 2.5');
    expect(message).toContain('largest at element 3 (index [1, 1]): expected 4, got 9');
  });

  test('reports a length mismatch', () => {
    expect(compareValues('case', [1, 2], [1], [2], 'exact')).toBe(
      'case: expected 2 elements, got 1',
    );
  });
});

test('accumulation tolerance grows with the number of terms', () => {
  const small = accumulationTolerance(10).float32!.atol;
  const large = accumulationTolerance(1 << 20).float32!.atol;
  expect(large).toBeGreaterThan(small);
  expect(large).toBeCloseTo(1e-5 + 0.125, 6);
});
