import { type GemmExports, packChunkCount } from '../threads/control';
import { type ChunkedProduct, WorkerPool, workerThreadsAvailable } from '../threads/pool';
import { MC, MR, NR, PACK_A_BYTES, PACK_BYTES } from './gemm-blocking';
import { buildGemmModule } from './gemm-module';
import { type WasmApi, type WasmMemory, type WasmModule, webAssembly } from './webassembly';

const PAGE_BYTES = 65536;
/** 2 GiB: addresses stay below 2^31, so the module's signed i32 comparisons hold. */
const MAXIMUM_PAGES = 32768;
/**
 * Multiply-adds below which a product stays on the calling thread, because waking a worker
 * costs tens of microseconds. With scripts/matmul-speed.mjs on a 2-core Xeon (best of many
 * runs), two threads beat one from 96 x 96 x 96 (about 2^20) up and tied at 64 x 64 x 64.
 */
const PARALLEL_MIN_WORK = 1 << 20;
/** Chunks per thread in a split product (see `splitProduct`). */
const CHUNKS_PER_THREAD = 2;
/**
 * Row chunks per thread in a product with a shared packed B (see `splitRowsSharingB`). Their
 * size costs nothing in packing, so they are finer than `CHUNKS_PER_THREAD`.
 */
const ROW_CHUNKS_PER_THREAD = 4;

/** Row and column strides of a matrix operand, in elements. */
export interface Layout {
  rs: number;
  cs: number;
  /** Elements from the start of the operand's region to its first element; 0 when absent. */
  offset?: number;
}

/** Float32 views of the operand regions of a workspace; valid until the next `reserve`. */
export interface Float32Workspace {
  a: Float32Array;
  b: Float32Array;
  /** C, row-major with row stride `ldc`; tiles are written whole, so it has padding. */
  c: Float32Array;
  ldc: number;
}

interface Variant {
  module: WasmModule;
  relaxed: boolean;
}

let variants: { plain?: Variant; shared?: Variant } | undefined;

/**
 * Ends the workers of a WasmGemm that was dropped without `destroy()`. They block in
 * Atomics.wait forever otherwise, keeping a thread and the shared memory alive.
 */
const abandonedPools = new FinalizationRegistry<WorkerPool>((pool) => pool.destroy());

/** Compiles the GEMM module once per process: plain, and shared when threads are possible. */
function compiledVariants(api: WasmApi): { plain?: Variant; shared?: Variant } {
  if (variants !== undefined) return variants;
  variants = {};
  for (const shared of [false, true]) {
    if (shared && !workerThreadsAvailable()) continue;
    // Prefer relaxed SIMD (a fused multiply-add where the CPU has one); Node 20's V8 (11.3)
    // rejects it without a flag, so the plain multiply and add is the usual outcome.
    // NOTE: the relaxed variant has never run in this package's tests, which use Node 20.
    for (const relaxed of [true, false]) {
      const bytes = buildGemmModule({ shared, relaxed, maximumPages: MAXIMUM_PAGES });
      if (!api.validate(bytes)) continue;
      const variant = { module: new api.Module(bytes), relaxed };
      if (shared) variants.shared = variant;
      else variants.plain = variant;
      break;
    }
  }
  return variants;
}

/** Returns whether the WebAssembly SIMD GEMM validates and compiles in this environment. */
export function wasmGemmSupported(): boolean {
  const api = webAssembly();
  return api !== undefined && compiledVariants(api).plain !== undefined;
}

/**
 * A float32 GEMM in WebAssembly SIMD over one linear memory, split across worker threads when
 * `threads > 1` and the product is large. Memory layout: one pair of pack buffers per thread,
 * then A, B and C. The memory grows to the largest product seen and is released by `destroy`.
 */
export class WasmGemm {
  private readonly memory: WasmMemory;
  private readonly exports: GemmExports;
  private readonly module: WasmModule;
  private readonly threads: number;
  private pool: WorkerPool | undefined;
  /** Byte addresses of A, B and C, and of the end of C, where a shared packed B goes. */
  private addresses = { a: 0, b: 0, c: 0, end: 0 };
  /** Products split across worker threads so far (read by tests). */
  parallelProducts = 0;
  /** Split products whose threads shared one packed B (read by tests). */
  sharedBProducts = 0;
  private ldc = 0;

  /** Throws if WebAssembly SIMD (or, for threads > 1, shared memory) is unavailable. */
  constructor(threads: number) {
    const api = webAssembly();
    const variant = api && compiledVariants(api)[threads > 1 ? 'shared' : 'plain'];
    if (api === undefined || variant === undefined) {
      throw new Error(`WebAssembly SIMD GEMM with ${threads} thread(s) is not supported here`);
    }
    this.threads = threads;
    this.module = variant.module;
    this.memory = new api.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: threads > 1 });
    const instance = new api.Instance(variant.module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as GemmExports;
  }

  /**
   * Lays out room for `aSize` and `bSize` floats and an m x n C, growing the memory if needed,
   * and returns views of the three regions. Returns undefined when the memory cannot grow that
   * far.
   */
  reserve(aSize: number, bSize: number, m: number, n: number): Float32Workspace | undefined {
    const ldc = Math.ceil(n / NR) * NR;
    const cSize = Math.ceil(m / MR) * MR * ldc;
    const a = this.threads * PACK_BYTES;
    const b = a + align16(aSize * 4);
    const c = b + align16(bSize * 4);
    const end = c + cSize * 4;
    const pages = Math.ceil(end / PAGE_BYTES) - this.memory.buffer.byteLength / PAGE_BYTES;
    if (end > MAXIMUM_PAGES * PAGE_BYTES) return undefined;
    if (pages > 0) {
      try {
        this.memory.grow(pages);
      } catch {
        return undefined;
      }
    }
    this.addresses = { a, b, c, end: align16(end) };
    this.ldc = ldc;
    const buffer = this.memory.buffer;
    return {
      a: new Float32Array(buffer, a, aSize),
      b: new Float32Array(buffer, b, bSize),
      c: new Float32Array(buffer, c, cSize),
      ldc,
    };
  }

  /** Threads products are split across: 1 once a worker has reported an error. */
  get threadsInUse(): number {
    return this.pool?.failed ? 1 : this.threads;
  }

  /**
   * Computes C = A B for the m x k A and k x n B in the regions of the last `reserve`. When
   * `writeA` is given, the caller has written only B, and `writeA` writes A: it runs on the
   * calling thread, while worker threads pack B where the product is split that way.
   * `alongside`, when given, runs on the calling thread while worker threads compute the
   * product, or after the product when it is not split. It must not touch A, B or C.
   */
  multiply(
    A: Layout,
    B: Layout,
    m: number,
    n: number,
    k: number,
    writeA?: () => void,
    alongside?: () => void,
  ): void {
    const a = this.addresses.a + 4 * (A.offset ?? 0);
    const b = this.addresses.b + 4 * (B.offset ?? 0);
    const c = this.addresses.c;
    const args = [a, A.rs, A.cs, b, B.rs, B.cs, c, this.ldc, m, n, k];
    const pool = m * n * k >= PARALLEL_MIN_WORK ? this.startedPool() : undefined;
    // The calling thread uses the last pack buffers; worker i uses buffers i.
    const [packA, packB] = packBuffers(this.threads - 1);
    if (pool === undefined) {
      writeA?.();
      this.exports.gemm(...args, packA, packB);
      alongside?.();
      return;
    }
    this.parallelProducts++;
    // At least as tall as wide: split by rows, all of them reading one B packed by all threads.
    if (m >= n && this.growForPackedB(n, k)) {
      this.sharedBProducts++;
      const product = splitRowsSharingB(args, m, n, k, this.threads, this.addresses.end);
      pool.run(product, packA, packB, this.exports, writeA, alongside);
      return;
    }
    const product = splitProduct(args, m, n, this.threads);
    pool.run(product, packA, packB, this.exports, writeA, alongside);
  }

  /**
   * Grows the memory to hold a packed k x n B after C; returns false when it cannot. Views
   * from `reserve` stay valid, because a shared memory's buffer is never detached.
   */
  private growForPackedB(n: number, k: number): boolean {
    const end = this.addresses.end + k * Math.ceil(n / NR) * NR * 4;
    if (end > MAXIMUM_PAGES * PAGE_BYTES) return false;
    const pages = Math.ceil(end / PAGE_BYTES) - this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages <= 0) return true;
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
  }

  /** Chunks computed by worker threads so far (read by tests). */
  get workerChunks(): number {
    return this.pool?.workerChunks ?? 0;
  }

  /**
   * Starts the worker pool if it is not running and blocks until its workers have started or
   * `timeoutMs` has passed; returns whether they all did. Products never need this (the calling
   * thread computes whatever chunks no worker claims), but tests do, to be sure workers take part.
   */
  startWorkers(timeoutMs: number): boolean {
    return this.startedPool()?.waitUntilStarted(timeoutMs) ?? false;
  }

  /** Terminates the worker threads; the memory is released with this object. */
  destroy(): void {
    abandonedPools.unregister(this);
    this.pool?.destroy();
    this.pool = undefined;
  }

  /** Returns the worker pool, started on first use; undefined for one thread or after an error. */
  private startedPool(): WorkerPool | undefined {
    if (this.threads <= 1 || this.pool?.failed) return undefined;
    if (this.pool === undefined) {
      const packs = Array.from({ length: this.threads - 1 }, (_, i) => packBuffers(i));
      this.pool = new WorkerPool(this.threads - 1, this.module, this.memory, packs);
      abandonedPools.register(this, this.pool, this);
    }
    return this.pool;
  }
}

/** Returns the byte addresses of thread `index`'s pack buffers for A and B. */
function packBuffers(index: number): [number, number] {
  return [index * PACK_BYTES, index * PACK_BYTES + PACK_A_BYTES];
}

/**
 * Splits C into chunks of whole tiles for `threads` threads: by rows when C is at least as tall
 * as it is wide, by columns otherwise. Each chunk packs the other operand in full, so that one is
 * the smaller. Two chunks per thread let a thread that starts late, or is descheduled on a busy
 * machine, leave its share to the others, while keeping that repeated packing small.
 */
function splitProduct(args: number[], m: number, n: number, threads: number): ChunkedProduct {
  const byRows = m >= n;
  const tile = byRows ? MR : NR;
  const length = byRows ? m : n;
  const tiles = Math.ceil(length / tile);
  const chunk = Math.ceil(tiles / (CHUNKS_PER_THREAD * threads)) * tile;
  return { args, byRows, chunk, chunks: Math.ceil(length / chunk), packItems: 0, packedB: 0 };
}

/**
 * Splits a product whose threads share one packed B: first chunks that each pack a piece of B
 * into the buffer at `packedB`, then bands of up to MC rows of C. Each thread gets several
 * bands, so a thread that starts late or is descheduled leaves its share to the others.
 */
function splitRowsSharingB(
  args: number[],
  m: number,
  n: number,
  k: number,
  threads: number,
  packedB: number,
): ChunkedProduct {
  const tiles = Math.ceil(m / MR);
  const chunk = Math.min(MC, Math.ceil(tiles / (ROW_CHUNKS_PER_THREAD * threads)) * MR);
  const packItems = packChunkCount(n, k);
  const chunks = packItems + Math.ceil(m / chunk);
  return { args, byRows: true, chunk, chunks, packItems, packedB };
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
