import type { DType, KernelInput, KernelOutput, Storage, TypedArray } from '@tessera/tensor';

/** A CPU buffer: a typed array of the tensor's dtype (Uint8Array for bool). */
export interface CpuStorage {
  readonly data: TypedArray;
}

/** Allocates a zeroed typed array for `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
    case 'float64':
      return new Float64Array(size);
  }
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

/** A zeroed output buffer for `output`. */
export function allocOutput(output: KernelOutput): TypedArray {
  return allocArray(output.dtype, output.size);
}

/** `value` as it is stored in an array of `dtype` (bool: nonzero, NaN included, is 1). */
export function storedValue(value: number, dtype: DType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype === 'int32') return value | 0;
  return value;
}
