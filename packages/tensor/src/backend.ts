import type { DType, TypedArray } from './dtype';
import type { KernelTable, Storage } from './kernels';

/** What a backend holds right now. */
export interface BackendMemory {
  /** Bytes in live buffers (pooled free buffers excluded). */
  bytes: number;
  /** Live buffers. */
  buffers: number;
}

/**
 * A backend owns memory and runs kernels. It does no shape checking: the tensor layer has
 * validated every call before it reaches `kernels`.
 */
export interface Backend {
  /** Short name used in messages, such as `cpu` or `webgpu`. */
  readonly name: string;
  readonly kernels: KernelTable;
  /** Whether tensors of `dtype` can live on this backend. */
  supportsDtype(dtype: DType): boolean;
  /** Copies `values` into a new buffer. */
  write(values: TypedArray, dtype: DType): Storage;
  /** Reads `size` elements of `dtype` back to the host. */
  read(storage: Storage, dtype: DType, size: number): Promise<TypedArray>;
  /** Synchronous read, present only where the device allows it. */
  readSync?(storage: Storage, dtype: DType, size: number): TypedArray;
  /** Frees a buffer. Called once per storage, when its last tensor is disposed. */
  dispose(storage: Storage): void;
  memory(): BackendMemory;
  /** Releases the device. Tensors of this backend are invalid afterwards. */
  destroy?(): void | Promise<void>;
}

export type BackendFactory = () => Backend | Promise<Backend>;
