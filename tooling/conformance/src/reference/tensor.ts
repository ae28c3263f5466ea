import type { DType } from '@tessera/tensor';

/** A reference tensor: every dtype's values held as float64, in row-major order. */
export interface RefTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/** Returns the multi-index of flat position `flat` in a row-major tensor of `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis];
    flat = Math.floor(flat / shape[axis]);
  }
  return index;
}

/** Returns the flat position of multi-index `index` in a row-major tensor of `shape`. */
export function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let axis = 0; axis < shape.length; axis++) flat = flat * shape[axis] + index[axis];
  return flat;
}

/** NumPy broadcasting: trailing axes align, and each pair of sizes matches or contains a 1. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const axis = rank - shape.length + i;
      const d = shape[i];
      if (d === 1) continue;
      if (out[axis] !== 1 && out[axis] !== d) {
        throw new RangeError(`reference: shapes ${JSON.stringify(shapes)} do not broadcast`);
      }
      out[axis] = d;
    }
  }
  return out;
}

/**
 * Returns the flat position, in a tensor of `shape`, of the element that broadcasting places at
 * `outIndex` of the output: trailing axes align and size-1 axes always read position 0.
 */
export function broadcastSource(outIndex: readonly number[], shape: readonly number[]): number {
  const offset = outIndex.length - shape.length;
  let flat = 0;
  for (let axis = 0; axis < shape.length; axis++) {
    const i = shape[axis] === 1 ? 0 : outIndex[offset + axis];
    flat = flat * shape[axis] + i;
  }
  return flat;
}

/** Wraps an exact integer to int32 as two's-complement arithmetic does. */
export function wrapInt32(v: number): number {
  return Number(BigInt.asIntN(32, BigInt(v)));
}

/** Multiplies two int32 values exactly, then wraps the product to int32. */
export function mulInt32(a: number, b: number): number {
  return Number(BigInt.asIntN(32, BigInt(a) * BigInt(b)));
}

/**
 * Converts `v` to `dtype` as the Cast kernel does: rounded for float32, toward zero
 * for int32, and 1 for every nonzero value (NaN included) for bool. The contract leaves NaN,
 * infinities and out-of-range values unspecified for int32, so a case that reaches one is a
 * mistake in the case.
 */
export function castValue(v: number, dtype: DType): number {
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (dtype !== 'int32') return dtype === 'float32' ? Math.fround(v) : v;
  const truncated = Math.trunc(v);
  if (!(truncated >= -2147483648 && truncated <= 2147483647)) {
    throw new RangeError(
      `castValue: the contract leaves the int32 value of ${v} unspecified, so no case may cast it`,
    );
  }
  return truncated === 0 ? 0 : truncated;
}

export function castTensor(x: RefTensor, dtype: DType): RefTensor {
  if (x.dtype === dtype) return x;
  return { shape: x.shape, dtype, data: x.data.map((v) => castValue(v, dtype)) };
}

/** Rounds float32 outputs to float32; other dtypes already hold exact values. */
export function roundOutput(x: RefTensor): RefTensor {
  if (x.dtype !== 'float32') return x;
  return { shape: x.shape, dtype: x.dtype, data: x.data.map(Math.fround) };
}

/** Resolves a possibly negative axis of a tensor of `rank` (rank 0 accepts 0 and -1). */
export function resolveAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + Math.max(rank, 1) : axis;
}
