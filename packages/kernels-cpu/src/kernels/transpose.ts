import type { KernelCall, TypedArray } from '@tessera/tensor';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { collapseAxes, contiguousStrides, stridedCopy } from './strides';

/** Tile edge for the blocked matrix transpose; 32 x 32 tiles of both sides stay in L1. */
const TILE = 32;

/** out[base + j * rows + i] = x[base + i * cols + j] for one rows x cols matrix, by tiles. */
function transposeMatrix(
  x: TypedArray,
  out: TypedArray,
  base: number,
  rows: number,
  cols: number,
): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      for (let i = i0; i < i1; i++) {
        const src = base + i * cols;
        for (let j = j0; j < j1; j++) out[base + j * rows + i] = x[src + j];
      }
    }
  }
}

/** Output axis i is input axis `perm[i]`. */
export function transpose(call: KernelCall<'Transpose'>): CpuStorage {
  const [input] = call.inputs;
  const { perm } = call.attrs;
  const { shape } = call.output;
  const x = dataOf(input);
  const out = allocOutputForOverwrite(call.output);
  if (call.output.size === 0) return wrap(out);
  const rank = shape.length;
  // Walk the input in memory order and place each element at its output position.
  const inStrides = contiguousStrides(input.shape);
  const outStrides = contiguousStrides(shape);
  const dstStrides = new Array<number>(rank);
  for (let i = 0; i < rank; i++) dstStrides[perm[i]] = outStrides[i];

  // A (batched) matrix transpose after collapsing goes through cache-sized tiles.
  const c = collapseAxes(input.shape, [inStrides, dstStrides]);
  const r = c.shape.length;
  if (r === 2 || r === 3) {
    const rows = c.shape[r - 2];
    const cols = c.shape[r - 1];
    const [src, dst] = c.strides;
    const matrix = rows * cols;
    const isMatrix =
      src[r - 2] === cols && src[r - 1] === 1 && dst[r - 2] === 1 && dst[r - 1] === rows;
    const batchOk = r === 2 || (src[0] === matrix && dst[0] === matrix);
    if (isMatrix && batchOk) {
      const batches = r === 3 ? c.shape[0] : 1;
      for (let b = 0; b < batches; b++) transposeMatrix(x, out, b * matrix, rows, cols);
      return wrap(out);
    }
  }
  stridedCopy(x, 0, inStrides, out, 0, dstStrides, input.shape);
  return wrap(out);
}
