import type { WasmMemory, WasmModule } from '../wasm/webassembly';
import {
  ARGS,
  BY_ROWS,
  CHUNK,
  CHUNKS,
  CLOSED,
  CONTROL_INTS,
  FAILED,
  type GemmExports,
  NEXT,
  PACK_ITEMS,
  PACKED,
  PACKED_B,
  READY,
  REMAINING,
  runChunks,
  SEQUENCE,
  STOP,
  WORKER_CHUNKS,
  WORKER_SOURCE,
} from './control';

/** The subset of Node's `worker_threads.Worker` the pool uses. */
interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (error: unknown) => void): void;
}

type WorkerConstructor = new (
  source: string,
  options: { eval: true; workerData: unknown },
) => NodeWorker;

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

/** Returns a Node built-in module, or undefined outside Node and before Node 20.16. */
export function nodeBuiltin<T>(id: string): T | undefined {
  const process = (globalThis as { process?: NodeProcess }).process;
  return process?.getBuiltinModule?.(id) as T | undefined;
}

/**
 * Returns the number of logical cores: `os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in browsers, otherwise 1.
 */
export function coreCount(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os');
  if (os !== undefined) return os.availableParallelism?.() ?? os.cpus().length;
  const navigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return navigator?.hardwareConcurrency ?? 1;
}

/**
 * Returns whether this thread can run a worker pool: Node's worker_threads, SharedArrayBuffer
 * and Atomics must exist.
 * NOTE: browsers always run single-threaded. The calling thread blocks in Atomics.wait while
 * workers finish their chunks, which a page's main thread may not do, and web workers started
 * from a synchronous kernel have not been tried.
 */
export function workerThreadsAvailable(): boolean {
  return (
    typeof SharedArrayBuffer === 'function' &&
    typeof Atomics === 'object' &&
    nodeBuiltin<{ Worker?: unknown }>('node:worker_threads')?.Worker !== undefined
  );
}

/** One product for the pool: the module's `gemm` arguments without the pack buffers. */
export interface ChunkedProduct {
  /** a, ars, acs, b, brs, bcs, c, ldc, m, n, k. */
  args: readonly number[];
  byRows: boolean;
  /** Rows (or columns) per chunk. */
  chunk: number;
  /** All chunks, the pack chunks included. */
  chunks: number;
  /** Chunks that pack B into the buffer at `packedB` before the row chunks; 0 for none. */
  packItems: number;
  /** Byte address of the shared packed B; ignored when `packItems` is 0. */
  packedB: number;
}

/**
 * Worker threads that each instantiate the GEMM module over one shared memory and help with
 * the products posted through a shared control block (see control.ts). Products are computed
 * synchronously: the calling thread claims chunks too, then blocks until the last one is done.
 */
export class WorkerPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_INTS));
  private readonly workers: NodeWorker[] = [];
  private sequence = 0;
  /** Set by a worker's error event; the pool is then no longer used. */
  failed = false;

  /**
   * Starts `size` workers; worker i uses the pack buffers at `packs[i]`. They do not keep the
   * process alive while idle.
   */
  constructor(size: number, module: WasmModule, memory: WasmMemory, packs: [number, number][]) {
    const { Worker } = nodeBuiltin<{ Worker: WorkerConstructor }>('node:worker_threads')!;
    this.control[NEXT] = CLOSED;
    for (let i = 0; i < size; i++) {
      const [packA, packB] = packs[i];
      const workerData = { module, memory, control: this.control, packA, packB };
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
      worker.unref();
      worker.on('error', () => {
        this.failed = true;
      });
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Computes `product`, claiming chunks on this thread with the module's `exports` and the pack
   * buffers `packA` and `packB` while the workers claim the rest. `writeA`, when given, writes A
   * into the memory: with pack chunks, while the workers pack B, else before any chunk starts.
   * `alongside`, when given, runs on this thread after the product is published and before this
   * thread claims chunks, so it overlaps the workers' chunks. It must not touch A, B or C.
   * Throws once every chunk is done if one failed or `writeA` or `alongside` threw.
   * NOTE: a worker that dies while computing a chunk (terminated, out of memory) leaves this
   * call waiting forever. Exceptions inside WebAssembly are caught and reported instead.
   */
  run(
    product: ChunkedProduct,
    packA: number,
    packB: number,
    exports: GemmExports,
    writeA?: () => void,
    alongside?: () => void,
  ): void {
    // With pack chunks, A is written while they run: row chunks wait for it through PACKED.
    const overlapA = writeA !== undefined && product.packItems > 0;
    if (writeA !== undefined && !overlapA) writeA();
    const control = this.control;
    Atomics.store(control, NEXT, CLOSED);
    control.set(product.args, ARGS);
    control[BY_ROWS] = product.byRows ? 1 : 0;
    control[CHUNK] = product.chunk;
    control[CHUNKS] = product.chunks;
    control[PACK_ITEMS] = product.packItems;
    control[PACKED_B] = product.packedB;
    Atomics.store(control, PACKED, product.packItems + (overlapA ? 1 : 0));
    Atomics.store(control, FAILED, 0);
    Atomics.store(control, REMAINING, product.chunks);
    // Publishes the product: a claim that reads 0 is ordered after every store above.
    Atomics.store(control, NEXT, 0);
    // Wraps within non-negative numbers, so it never reaches STOP.
    this.sequence = (this.sequence + 1) & 0x3fffffff;
    Atomics.store(control, SEQUENCE, this.sequence);
    Atomics.notify(control, SEQUENCE);

    let writeError: { error: unknown } | undefined;
    if (overlapA) {
      try {
        writeA();
      } catch (error) {
        // Rethrown once every chunk is done, because the next product would overwrite the
        // control block while workers still read it.
        writeError = { error };
      }
      if (Atomics.sub(control, PACKED, 1) === 1) Atomics.notify(control, PACKED);
    }
    if (alongside !== undefined && writeError === undefined) {
      try {
        alongside();
      } catch (error) {
        writeError = { error };
      }
    }
    runChunks(control, exports, packA, packB);
    for (;;) {
      const remaining = Atomics.load(control, REMAINING);
      if (remaining === 0) break;
      Atomics.wait(control, REMAINING, remaining);
    }
    if (writeError !== undefined) throw writeError.error;
    if (Atomics.load(control, FAILED) !== 0) {
      throw new Error('WebAssembly GEMM failed: a chunk of the product threw inside WebAssembly');
    }
  }

  /** Chunks computed by workers so far. */
  get workerChunks(): number {
    return Atomics.load(this.control, WORKER_CHUNKS);
  }

  /** Blocks until every worker has started or `timeoutMs` has passed; returns whether all did. */
  waitUntilStarted(timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const ready = Atomics.load(this.control, READY);
      if (ready >= this.workers.length) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.control, READY, ready, left);
    }
  }

  /** Stops and terminates every worker. */
  destroy(): void {
    Atomics.store(this.control, SEQUENCE, STOP);
    Atomics.notify(this.control, SEQUENCE);
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }
}
