import type {
  Backend,
  BackendMemory,
  DType,
  KernelCall,
  KernelName,
  KernelTable,
  Storage,
  TypedArray,
} from '@tessera/tensor';
import { BufferPool } from './buffer-pool';
import { GemmEngine, runWithEngine } from './gemm-engine';
import { cpuKernels } from './kernel-table';
import { allocArray, arrayTypeOf, type CpuStorage, runWithPool, storageData } from './storage';
import { coreCount } from './threads/pool';

export interface CpuBackendOptions {
  /** The name used in messages; defaults to `cpu`. */
  name?: string;
  /**
   * Run float32 MatMul and convolutions through the WebAssembly SIMD GEMM (float32
   * arithmetic), and the common float32 elementwise ops through WebAssembly SIMD loops, where
   * the environment supports it; defaults to true. With false, or without WebAssembly SIMD,
   * products use the TypeScript GEMM (float64 arithmetic, several times slower) and elementwise
   * ops the TypeScript loops.
   */
  wasm?: boolean;
  /**
   * Threads that large float32 products are split across, the calling thread included;
   * defaults to every core (`os.availableParallelism()` in Node). Needs the WebAssembly GEMM,
   * Node's worker_threads and SharedArrayBuffer; elsewhere (browsers included) products run on
   * the calling thread. Workers start at the first large product and end with `destroy()`.
   */
  threads?: number;
  /**
   * Bytes of freed buffers kept for reuse by later kernels, which saves the cost of new large
   * arrays. Defaults to 256 MiB, and 0 turns the pool off. When the pool is full, the least
   * recently used sizes are dropped first.
   */
  poolBytes?: number;
}

const DEFAULT_POOL_BYTES = 256 * 1024 * 1024;

const SUPPORTED: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool', 'float64']);

/**
 * The CPU backend: each storage is an object holding one typed array (Uint8Array for bool).
 * Reads are synchronous and return copies. Memory accounting is exact: every buffer made by
 * `write` or a kernel counts until `dispose`.
 */
export class CpuBackend implements Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  private readonly engine: GemmEngine;
  private readonly pool: BufferPool;
  private liveBytes = 0;
  private liveBuffers = 0;
  /** Storages made here and not yet disposed (weak, so lost tensors do not pin memory). */
  private live = new WeakSet<CpuStorage>();

  constructor(options: CpuBackendOptions = {}) {
    this.name = options.name ?? 'cpu';
    const threads = options.threads ?? coreCount();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new Error(`${this.name}: threads must be a positive integer, got ${threads}`);
    }
    const poolBytes = options.poolBytes ?? DEFAULT_POOL_BYTES;
    if (!(poolBytes >= 0) || !Number.isFinite(poolBytes)) {
      throw new Error(`${this.name}: poolBytes must be a finite number >= 0, got ${poolBytes}`);
    }
    this.pool = new BufferPool(poolBytes);
    this.engine = new GemmEngine({ wasm: options.wasm ?? true, threads });
    this.kernels = this.countingKernels();
  }

  /** Whether float32 products and elementwise ops run in WebAssembly SIMD (requested and supported). */
  get wasm(): boolean {
    return this.engine.usesWasm;
  }

  /**
   * Threads that large float32 products use: 1 where worker threads are unavailable, and after
   * a worker reported an error (an event, so seen only once the event loop has run).
   */
  get threads(): number {
    return this.engine.threads;
  }

  supportsDtype(dtype: DType): boolean {
    return SUPPORTED.has(dtype);
  }

  write(values: TypedArray, dtype: DType): Storage {
    const data =
      this.pool.take(arrayTypeOf(dtype), values.length) ?? allocArray(dtype, values.length);
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
    this.pool.give(owned.data);
  }

  memory(): BackendMemory {
    return { bytes: this.liveBytes, buffers: this.liveBuffers };
  }

  /**
   * Freed buffers waiting in the pool for reuse (not counted by `memory()`), and how many
   * requests for a buffer the pool served (`hits`) or left to a new allocation (`misses`).
   */
  pooled(): { buffers: number; bytes: number; hits: number; misses: number } {
    const { buffers, bytes, hits, misses } = this.pool;
    return { buffers, bytes, hits, misses };
  }

  /** Forgets every storage and terminates the GEMM worker threads. */
  destroy(): void {
    this.engine.destroy();
    this.pool.clear();
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

  /**
   * `cpuKernels`, each wrapped so that it runs with this backend's GEMM engine and buffer
   * pool, and the storage it returns is counted. A kernel that wrote into the in-place target
   * returns that target, which stays counted once.
   */
  private countingKernels(): KernelTable {
    const table: Partial<Record<KernelName, (call: KernelCall<KernelName>) => Storage>> = {};
    for (const name of Object.keys(cpuKernels) as KernelName[]) {
      const kernel = cpuKernels[name] as (call: KernelCall<KernelName>) => CpuStorage;
      table[name] = (call) => {
        const result = runWithEngine(this.engine, () => runWithPool(this.pool, () => kernel(call)));
        const target = call.output.inPlace as CpuStorage | undefined;
        if (target !== undefined && result.data === target.data) return target;
        return this.adopt(result);
      };
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
 * // Two threads, or the TypeScript kernels only:
 * createCpuBackend({ threads: 2 });
 * createCpuBackend({ wasm: false });
 */
export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options);
}
