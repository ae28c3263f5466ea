import type { DType, KernelInput, KernelOutput, Storage, TypedArray } from '@tessera/tensor';
import type { ArrayType, BufferPool } from './buffer-pool';

/** A CPU buffer: a typed array of the tensor's dtype (Uint8Array for bool). */
export interface CpuStorage {
  readonly data: TypedArray;
}

/** Returns the typed array type that stores `dtype`. */
export function arrayTypeOf(dtype: DType): ArrayType {
  switch (dtype) {
    case 'float32':
      return Float32Array;
    case 'int32':
      return Int32Array;
    case 'bool':
      return Uint8Array;
    case 'float64':
      return Float64Array;
  }
}

/** Allocates a zeroed typed array for `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  return new (arrayTypeOf(dtype))(size);
}

/** The pool of the backend whose kernel is running; kernels called directly have none. */
let activePool: BufferPool | undefined;

/** Runs `kernel` with `pool` supplying output arrays (kernels are synchronous). */
export function runWithPool<T>(pool: BufferPool, kernel: () => T): T {
  const previous = activePool;
  activePool = pool;
  try {
    return kernel();
  } finally {
    activePool = previous;
  }
}

/** Takes an array of `size` elements of `dtype` from the active pool; undefined when it has none. */
export function takeArray(dtype: DType, size: number): TypedArray | undefined {
  return activePool?.take(arrayTypeOf(dtype), size);
}

/** The typed array behind a kernel input. */
export function dataOf(input: KernelInput): TypedArray {
  return (input.storage as CpuStorage).data;
}

/** The typed array behind a storage. */
export function storageData(storage: Storage): TypedArray {
  return (storage as CpuStorage).data;
}

/** Wraps a typed array as a storage. */
export function wrap(data: TypedArray): CpuStorage {
  return { data };
}

/**
 * A zeroed output buffer for `output`: the in-place target's array when the engine offers one
 * (only to Unary and Binary kernels, whose loops read each element before writing it), else
 * a pooled or new array.
 */
export function allocOutput(output: KernelOutput): TypedArray {
  if (output.inPlace !== undefined) return (output.inPlace as CpuStorage).data;
  const pooled = takeArray(output.dtype, output.size);
  if (pooled === undefined) return allocArray(output.dtype, output.size);
  pooled.fill(0);
  return pooled;
}

/**
 * Returns an output buffer with unspecified contents, for kernels that write every element, and
 * so skips the zero fill of `allocOutput`. The name follows C++'s `make_unique_for_overwrite`.
 */
export function allocOutputForOverwrite(output: KernelOutput): TypedArray {
  if (output.inPlace !== undefined) return (output.inPlace as CpuStorage).data;
  return takeArray(output.dtype, output.size) ?? allocArray(output.dtype, output.size);
}

/** `value` as it is stored in an array of `dtype` (bool: nonzero, NaN included, is 1). */
export function storedValue(value: number, dtype: DType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype === 'int32') return value | 0;
  return value;
}
