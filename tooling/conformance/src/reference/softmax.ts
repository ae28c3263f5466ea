import { type RefTensor, ravel, resolveAxis, sizeOf, unravel } from './tensor';

/** Calls `visit` with the flat positions of every row of `shape` along `axis`. */
function forEachRow(
  shape: readonly number[],
  axis: number,
  visit: (positions: number[]) => void,
): void {
  // A rank-0 tensor is one row of one element.
  if (shape.length === 0) {
    visit([0]);
    return;
  }
  const outer = shape.filter((_, a) => a !== axis);
  for (let row = 0; row < sizeOf(outer); row++) {
    const index = unravel(row, outer);
    index.splice(axis, 0, 0);
    const positions: number[] = [];
    for (let i = 0; i < shape[axis]; i++) {
      index[axis] = i;
      positions.push(ravel(index, shape));
    }
    visit(positions);
  }
}

/** Returns the row maximum, or NaN when the row contains a NaN. */
function rowMax(x: Float64Array, positions: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const p of positions) {
    if (Number.isNaN(x[p])) return Number.NaN;
    if (x[p] > max) max = x[p];
  }
  return max;
}

/**
 * Computes exp(x - max) / sum(exp(x - max)) along `axis`. As in PyTorch, a row of only
 * -Infinity, and a row that contains +Infinity or NaN, give NaN everywhere (because x - max is
 * NaN somewhere in the row).
 */
export function softmax(x: RefTensor, axis: number): RefTensor {
  const data = new Float64Array(x.data.length);
  forEachRow(x.shape, resolveAxis(axis, x.shape.length), (positions) => {
    const max = rowMax(x.data, positions);
    let sum = 0;
    for (const p of positions) sum += Math.exp(x.data[p] - max);
    for (const p of positions) data[p] = Math.exp(x.data[p] - max) / sum;
  });
  return { shape: x.shape, dtype: x.dtype, data };
}

/**
 * Computes x - logsumexp(x) along `axis`. logsumexp(x) is shift + log(sum(exp(x - shift))),
 * where the shift is the row maximum, or 0 where that maximum is infinite. This is the tensor
 * layer's `logSoftmaxComposite`: a row of only -Infinity gives NaN, and in a row with +Infinity
 * the infinite entries give NaN and the finite ones -Infinity.
 */
export function logSoftmax(x: RefTensor, axis: number): RefTensor {
  const data = new Float64Array(x.data.length);
  forEachRow(x.shape, resolveAxis(axis, x.shape.length), (positions) => {
    const max = rowMax(x.data, positions);
    const shift = Number.isFinite(max) ? max : 0;
    let sum = 0;
    for (const p of positions) sum += Math.exp(x.data[p] - shift);
    const logSumExp = shift + Math.log(sum);
    for (const p of positions) data[p] = x.data[p] - logSumExp;
  });
  return { shape: x.shape, dtype: x.dtype, data };
}
