import {
  allocArray,
  type DType,
  type KernelInput,
  type Storage,
  type TypedArray,
  ValueError,
} from '@tessera/tensor';
import type { Texture } from 'gpu.js';

/**
 * A gpu.js buffer. Every dtype is stored as float32 values: int32 as whole numbers, bool as 0
 * or 1.
 */
export interface GpuJsStorage {
  /**
   * A texture in the GL modes (one value in the red channel of each RGBA float texel), a
   * Float32Array in cpu mode, and null for an empty tensor, which has nothing to store.
   */
  readonly data: Texture | Float32Array | null;
  /** Elements stored. */
  readonly size: number;
  /** Device bytes held: the whole texture in the GL modes, the array in cpu mode. */
  readonly bytes: number;
}

/**
 * The largest magnitude up to which every integer is a float32 value. int32 tensors are kept
 * exactly only inside [-INT_LIMIT, INT_LIMIT].
 */
export const INT_LIMIT = 2 ** 24;

export function storageOf(input: KernelInput): GpuJsStorage {
  return input.storage as GpuJsStorage;
}

export function asStorage(storage: Storage): GpuJsStorage {
  return storage as GpuJsStorage;
}

/**
 * Converts host values to the float32 array that gets stored. int32 values outside
 * [-2^24, 2^24] would lose digits in float32, so they are rejected rather than rounded.
 */
export function toStoredValues(values: TypedArray, dtype: DType): Float32Array {
  const out = new Float32Array(values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
    return out;
  }
  if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v > INT_LIMIT || v < -INT_LIMIT) {
        throw new ValueError(
          `gpujs: int32 value ${v} at index ${i} is outside [-${INT_LIMIT}, ${INT_LIMIT}], the ` +
            'range this backend stores exactly (it keeps every dtype in float32); use the CPU ' +
            'backend for larger integers',
        );
      }
    }
  }
  out.set(values);
  return out;
}

/** Converts stored float32 values back to the host array of `dtype`. */
export function fromStoredValues(values: Float32Array, dtype: DType, size: number): TypedArray {
  if (dtype === 'float32') return values.length === size ? values : values.slice(0, size);
  const out = allocArray(dtype, size);
  if (dtype === 'bool') {
    for (let i = 0; i < size; i++) out[i] = values[i] !== 0 ? 1 : 0;
  } else {
    for (let i = 0; i < size; i++) out[i] = values[i];
  }
  return out;
}
