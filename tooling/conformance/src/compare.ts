import type { FloatDType, Tolerance, Tolerances } from './types';

/** Forward tolerances by output dtype. */
export const DEFAULT_TOLERANCES: { readonly [D in FloatDType]: Tolerance } = {
  float32: { atol: 1e-5, rtol: 1e-4 },
  float64: { atol: 1e-12, rtol: 1e-10 },
};

/**
 * Gradient tolerances by input dtype. They are looser than the forward ones because a gradient
 * chains several float32 kernels and is compared with a finite-difference estimate.
 */
export const DEFAULT_GRADIENT_TOLERANCES: { readonly [D in FloatDType]: Tolerance } = {
  float32: { atol: 1e-4, rtol: 1e-3 },
  float64: { atol: 1e-7, rtol: 1e-6 },
};

/**
 * Returns tolerances for a sum of `terms` values of magnitude up to `magnitude` (a reduction or
 * a matmul's inner dimension). In an ordered float32 sum of values of random sign, partial sums
 * grow like √terms and each addition rounds by up to 2^-24 of the partial sum, so the error
 * grows about like 2^-24 · terms. The allowance, 2^-23 · terms · magnitude, is an estimate with
 * a margin, not a bound.
 */
export function accumulationTolerance(terms: number, magnitude = 1): Tolerances {
  return {
    float32: { atol: DEFAULT_TOLERANCES.float32.atol + 2 ** -23 * terms * magnitude, rtol: 1e-4 },
    float64: { atol: DEFAULT_TOLERANCES.float64.atol + 2 ** -52 * terms * magnitude, rtol: 1e-10 },
  };
}

/** `exact` for int32 and bool, where every value must match. */
export type Bound = Tolerance | 'exact';

/**
 * Returns whether `actual` matches `expected`. NaN matches NaN, infinities match exactly, and
 * 0 matches -0.
 */
export function valuesMatch(expected: number, actual: number, bound: Bound): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (bound === 'exact' || !Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= bound.atol + bound.rtol * Math.abs(expected);
}

function formatNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function formatIndex(flat: number, shape: readonly number[]): string {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis];
    flat = Math.floor(flat / shape[axis]);
  }
  return `[${index.join(', ')}]`;
}

function describeElement(
  i: number,
  shape: readonly number[],
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
): string {
  return (
    `element ${i} (index ${formatIndex(i, shape)}): expected ${formatNumber(expected[i])}, ` +
    `got ${formatNumber(actual[i])}`
  );
}

/**
 * Compares two arrays of one shape and returns null when every element matches, else a message
 * that starts with `what` (a case id) and names the first mismatch and the largest one.
 */
export function compareValues(
  what: string,
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  shape: readonly number[],
  bound: Bound,
): string | null {
  if (expected.length !== actual.length) {
    return `${what}: expected ${expected.length} elements, got ${actual.length}`;
  }
  let first = -1;
  let worst = -1;
  let worstError = -1;
  let mismatches = 0;
  for (let i = 0; i < expected.length; i++) {
    if (valuesMatch(expected[i], actual[i], bound)) continue;
    mismatches++;
    if (first < 0) first = i;
    const error = Math.abs(actual[i] - expected[i]);
    // NaN and infinite errors rank above finite ones.
    const rank = Number.isFinite(error) ? error : Number.POSITIVE_INFINITY;
    if (rank > worstError) {
      worst = i;
      worstError = rank;
    }
  }
  if (mismatches === 0) return null;
  const allowed =
    bound === 'exact' ? 'exact match' : `atol ${bound.atol} + rtol ${bound.rtol} * |expected|`;
  let message =
    `${what}: ${mismatches} of ${expected.length} elements differ (${allowed}); first at ` +
    describeElement(first, shape, expected, actual);
  if (worst !== first) message += `; largest at ${describeElement(worst, shape, expected, actual)}`;
  return message;
}
