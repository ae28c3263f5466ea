import { formatShape, ShapeError } from './errors';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: align trailing axes; each pair must match or contain a 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (let i = 0; i < rank; i++) {
    for (const shape of shapes) {
      const d = shape[shape.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (out[i] !== 1 && out[i] !== d) {
        const list = shapes.map(formatShape).join(' and ');
        throw new ShapeError(`${op}: shapes ${list} cannot be broadcast together`);
      }
      out[i] = d;
    }
  }
  return out;
}

/** Resolves a possibly negative axis against `rank` and checks its range. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  // As PyTorch, a rank-0 tensor accepts axis 0 and -1.
  const bound = Math.max(rank, 1);
  if (!Number.isInteger(axis) || axis < -bound || axis >= bound) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + bound : axis;
}

/** Resolves a list of axes (or every axis when `axes` is undefined), sorted and unique. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const resolved = list.map((a) => normalizeAxis(op, a, rank));
  const unique = [...new Set(resolved)].sort((a, b) => a - b);
  if (unique.length !== resolved.length) {
    throw new ShapeError(`${op}: axes [${list.join(',')}] contain a repeated axis`);
  }
  return unique;
}

/** The maximum number of elements in one tensor, because typed arrays and GPU buffers are indexed by int32. */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/** Throws a ShapeError naming `op` unless `shape` lists integers >= 0 within the size limit. */
export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: shape must be an array of integers, got ${String(shape)}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: invalid shape ${formatShape(shape)}; dimensions must be integers >= 0`,
      );
    }
  }
  const size = sizeOf(shape);
  if (size > MAX_TENSOR_ELEMENTS) {
    throw new ShapeError(
      `${op}: shape ${formatShape(shape)} has ${size} elements, over the limit of ${MAX_TENSOR_ELEMENTS}`,
    );
  }
}

/**
 * Returns the strides of a contiguous tensor of `shape` read as if broadcast to `outShape`:
 * aligned to the trailing axes, with 0 on the axes it is broadcast along.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const strides = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    strides[offset + i] = shape[i] === 1 ? 0 : own[i];
  }
  return strides;
}

/** A shape with fewer axes and, per operand, its strides over that shape. */
export interface CollapsedAxes {
  /** At least one axis. */
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * Drops size-1 axes and merges axis i into axis i + 1 wherever, for every operand,
 * strides[i] === strides[i + 1] * shape[i + 1]. Fewer axes mean shorter index arithmetic in
 * kernels. The result has at least one axis.
 */
export function collapseAxes(shape: Shape, strides: readonly (readonly number[])[]): CollapsedAxes {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    const d = shape[axis];
    if (d === 1) continue;
    const last = outShape.length - 1;
    let mergeable = last >= 0;
    for (let j = 0; mergeable && j < strides.length; j++) {
      mergeable = outStrides[j][last] === strides[j][axis] * d;
    }
    if (mergeable) {
      outShape[last] *= d;
      for (let j = 0; j < strides.length; j++) outStrides[j][last] = strides[j][axis];
    } else {
      outShape.push(d);
      for (let j = 0; j < strides.length; j++) outStrides[j].push(strides[j][axis]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  return { shape: outShape, strides: outStrides };
}
