import type { DType, KernelInput, Storage } from '@tessera/tensor';
import type { PooledBuffer } from './buffer-pool';

/** The WGSL element type that stores each supported dtype. Bool is a u32 holding 0 or 1. */
export type WgslType = 'f32' | 'i32' | 'u32';

/** A tensor's buffer on the device: `size` elements of `dtype`, 4 bytes each. */
export interface WebGPUStorage extends Storage {
  readonly buffer: PooledBuffer;
  readonly size: number;
  readonly dtype: DType;
}

export function wgslType(dtype: DType): WgslType {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'bool':
      return 'u32';
    case 'float64':
      throw new Error('webgpu: float64 has no WGSL storage type');
  }
}

/** Returns the storage behind a kernel input. */
export function storageOf(input: KernelInput): WebGPUStorage {
  return input.storage as WebGPUStorage;
}

/** Bytes a tensor of `size` elements takes on the device (every dtype uses 4 bytes). */
export function bytesFor(size: number): number {
  return size * 4;
}
