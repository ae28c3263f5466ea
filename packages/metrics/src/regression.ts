import { ShapeError, ValueError } from '@tessera/tensor';
import { checkArrayLike } from './validate';

/** Options of `r2Score`. */
export interface R2Options {
  /**
   * Replace the NaN and -Infinity of a constant yTrue with 1 (perfect predictions) or 0
   * (imperfect ones), as scikit-learn's `force_finite`. Default true.
   */
  forceFinite?: boolean;
}

/**
 * Returns the mean of the squared differences between targets and predictions.
 *
 * @example
 * meanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.375
 */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkTargetPair('meanSquaredError', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += (yTrue[i] - yPred[i]) ** 2;
  return total / yTrue.length;
}

/**
 * Returns the mean of the absolute differences between targets and predictions.
 *
 * @example
 * meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.5
 */
export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkTargetPair('meanAbsoluteError', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += Math.abs(yTrue[i] - yPred[i]);
  return total / yTrue.length;
}

/**
 * Returns the coefficient of determination, `1 - SS_res / SS_tot`, as scikit-learn's
 * `r2_score`. It is 1 for perfect predictions and can be negative. With fewer than two samples
 * it is undefined and the result is NaN, where scikit-learn also warns.
 *
 * @example
 * r2Score([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.9486081370449679
 * r2Score([1, 1, 1], [1, 1, 2]); // 0, because yTrue is constant (forceFinite)
 */
export function r2Score(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: R2Options = {},
): number {
  checkTargetPair('r2Score', yTrue, yPred);
  const { forceFinite = true } = options;
  if (yTrue.length < 2) return Number.NaN;

  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i];
  mean /= yTrue.length;

  let residual = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    residual += (yTrue[i] - yPred[i]) ** 2;
    total += (yTrue[i] - mean) ** 2;
  }

  if (forceFinite && total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** Checks two target arrays: array-like, equally long, not empty, and finite. */
function checkTargetPair(fn: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  checkArrayLike(fn, 'yTrue', yTrue);
  checkArrayLike(fn, 'yPred', yPred);
  if (yTrue.length !== yPred.length) {
    throw new ShapeError(
      `${fn}: yTrue has ${yTrue.length} values but yPred has ${yPred.length}; ` +
        'pass one prediction per sample',
    );
  }
  if (yTrue.length === 0) {
    throw new ValueError(`${fn}: yTrue and yPred are empty; at least one sample is required`);
  }
  checkFinite(fn, 'yTrue', yTrue);
  checkFinite(fn, 'yPred', yPred);
}

function checkFinite(fn: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number' || !Number.isFinite(values[i])) {
      throw new ValueError(`${fn}: ${name}[${i}] is ${String(values[i])}; values must be finite`);
    }
  }
}
