/**
 * Strided iteration shared by the copy-like and broadcasting kernels.
 *
 * Every operand is described by a start offset and one stride per axis of the iteration shape
 * (0 on broadcast axes). Before iterating, axes are collapsed: size-1 axes are dropped and
 * neighbouring axes merge when every operand steps through them as through one axis, so inner
 * rows are as long as possible and the per-row overhead stays small.
 */

import { type CollapsedAxes, collapseAxes, type TypedArray } from '@tessera/tensor';

/** Row-major strides, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

// Shared with every backend: the tensor package defines them once.
export {
  broadcastStrides,
  type CollapsedAxes as Collapsed,
  collapseAxes,
  sizeOf,
} from '@tessera/tensor';

/**
 * Calls `row(offsets, length)` once per innermost row of `shape`: `offsets[j]` is where operand
 * j's row starts (its base offset included) and the row's elements follow at operand j's
 * innermost stride. Axes are collapsed first, so `length` may span several original axes; read
 * the innermost strides from the `CollapsedAxes` passed to `row`. Nothing is called when `shape` is empty
 * (size 0). The `offsets` array is reused between calls.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  bases: readonly number[],
  row: (offsets: Float64Array, length: number, collapsed: CollapsedAxes) => void,
): void {
  for (const d of shape) if (d === 0) return;
  const collapsed = collapseAxes(shape, strides);
  const cshape = collapsed.shape;
  const cstrides = collapsed.strides;
  const rank = cshape.length;
  const operands = cstrides.length;
  const length = cshape[rank - 1];
  const offsets = Float64Array.from(bases);
  const counters = new Array<number>(rank).fill(0);
  let rows = 1;
  for (let axis = 0; axis < rank - 1; axis++) rows *= cshape[axis];
  for (let r = 0; r < rows; r++) {
    row(offsets, length, collapsed);
    // Advance the odometer over the outer axes.
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++counters[axis] < cshape[axis]) {
        for (let j = 0; j < operands; j++) offsets[j] += cstrides[j][axis];
        break;
      }
      counters[axis] = 0;
      for (let j = 0; j < operands; j++) offsets[j] -= cstrides[j][axis] * (cshape[axis] - 1);
    }
  }
}

/**
 * Copies the strided view (`src`, `srcBase`, `srcStrides`) of `shape` into the strided view
 * (`dst`, `dstBase`, `dstStrides`). Both arrays must have the same element type.
 */
export function stridedCopy(
  src: TypedArray,
  srcBase: number,
  srcStrides: readonly number[],
  dst: TypedArray,
  dstBase: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  forEachRow(shape, [srcStrides, dstStrides], [srcBase, dstBase], (offsets, length, c) => {
    const rank = c.shape.length;
    const ss = c.strides[0][rank - 1];
    const ds = c.strides[1][rank - 1];
    let s = offsets[0];
    let d = offsets[1];
    if (ss === 1 && ds === 1) {
      copyRange(src, s, dst, d, length);
    } else {
      for (let i = 0; i < length; i++) {
        dst[d] = src[s];
        s += ss;
        d += ds;
      }
    }
  });
}

/** Copies `length` elements from `src[srcStart..]` to `dst[dstStart..]` (same element type). */
export function copyRange(
  src: TypedArray,
  srcStart: number,
  dst: TypedArray,
  dstStart: number,
  length: number,
): void {
  if (length > 32) {
    dst.set(src.subarray(srcStart, srcStart + length), dstStart);
  } else {
    for (let i = 0; i < length; i++) dst[dstStart + i] = src[srcStart + i];
  }
}
