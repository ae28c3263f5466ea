/** A small summary of an output array, enough to compare contenders without sending it all. */
export interface Digest {
  length: number;
  sum: number;
  maxAbs: number;
  /** Stride between the kept values. */
  stride: number;
  /** Every `stride`-th value, at most MAX_VALUES of them. */
  values: number[];
}

const MAX_VALUES = 512;

export function digest(output: Float32Array): Digest {
  const stride = Math.max(1, Math.ceil(output.length / MAX_VALUES));
  const values: number[] = [];
  let sum = 0;
  let maxAbs = 0;
  for (let i = 0; i < output.length; i++) {
    sum += output[i];
    maxAbs = Math.max(maxAbs, Math.abs(output[i]));
    if (i % stride === 0) values.push(output[i]);
  }
  return { length: output.length, sum, maxAbs, stride, values };
}

/**
 * Computes the largest difference between two outputs as a fraction of the reference's
 * largest absolute value, over the kept values and over the sums divided by the length (a
 * mean shift). Returns Infinity when the lengths differ or a value is NaN.
 */
export function relativeError(reference: Digest, other: Digest): number {
  if (reference.length !== other.length || reference.stride !== other.stride) return Infinity;
  const scale = Math.max(reference.maxAbs, Number.MIN_VALUE);
  let worst = Math.abs(reference.sum - other.sum) / reference.length / scale;
  for (let i = 0; i < reference.values.length; i++) {
    const difference = Math.abs(reference.values[i] - other.values[i]);
    if (Number.isNaN(difference)) return Infinity;
    worst = Math.max(worst, difference / scale);
  }
  return Number.isNaN(worst) ? Infinity : worst;
}
