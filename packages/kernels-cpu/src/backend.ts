import type {
  Backend,
  BackendMemory,
  DType,
  KernelName,
  KernelTable,
  Storage,
  TypedArray,
} from '@tessera/tensor';
import { cpuKernels } from './kernel-table';
import { allocArray, type CpuStorage, storageData } from './storage';

export interface CpuBackendOptions {
  /** The name used in messages; defaults to `cpu`. */
  name?: string;
}

const SUPPORTED: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool', 'float64']);

/**
 * The CPU backend: each storage is an object holding one typed array (Uint8Array for bool).
 * Reads are synchronous and return copies. Memory accounting is exact: every buffer made by
 * `write` or a kernel counts until `dispose`.
 */
export class CpuBackend implements Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  private liveBytes = 0;
  private liveBuffers = 0;
  /** Storages made here and not yet disposed (weak, so lost tensors do not pin memory). */
  private live = new WeakSet<CpuStorage>();

  constructor(options: CpuBackendOptions = {}) {
    this.name = options.name ?? 'cpu';
    this.kernels = this.countingKernels();
  }

  supportsDtype(dtype: DType): boolean {
    return SUPPORTED.has(dtype);
  }

  write(values: TypedArray, dtype: DType): Storage {
    const data = allocArray(dtype, values.length);
    if (dtype === 'bool') {
      for (let i = 0; i < values.length; i++) data[i] = values[i] !== 0 ? 1 : 0;
    } else {
      data.set(values);
    }
    return this.adopt({ data });
  }

  read(storage: Storage, dtype: DType, size: number): Promise<TypedArray> {
    return Promise.resolve(this.readSync(storage, dtype, size));
  }

  readSync(storage: Storage, _dtype: DType, size: number): TypedArray {
    return storageData(storage).slice(0, size);
  }

  dispose(storage: Storage): void {
    const owned = storage as CpuStorage;
    if (!this.live.has(owned)) return;
    this.live.delete(owned);
    this.liveBytes -= owned.data.byteLength;
    this.liveBuffers -= 1;
  }

  memory(): BackendMemory {
    return { bytes: this.liveBytes, buffers: this.liveBuffers };
  }

  destroy(): void {
    this.live = new WeakSet();
    this.liveBytes = 0;
    this.liveBuffers = 0;
  }

  /** Starts counting a new storage. */
  private adopt(storage: CpuStorage): CpuStorage {
    if (this.live.has(storage)) {
      throw new Error(`${this.name}: a kernel returned a storage that is already live`);
    }
    this.live.add(storage);
    this.liveBytes += storage.data.byteLength;
    this.liveBuffers += 1;
    return storage;
  }

  /** `cpuKernels`, each wrapped so that the storage it returns is counted. */
  private countingKernels(): KernelTable {
    const table: Partial<Record<KernelName, (call: never) => Storage>> = {};
    for (const name of Object.keys(cpuKernels) as KernelName[]) {
      const kernel = cpuKernels[name] as (call: never) => CpuStorage;
      table[name] = (call: never) => this.adopt(kernel(call));
    }
    return table as KernelTable;
  }
}

/**
 * Makes a CPU backend.
 *
 * @example
 * registerBackend('cpu', () => createCpuBackend());
 * await setBackend('cpu');
 */
export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options);
}
