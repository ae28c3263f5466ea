import { workerThreadsAvailable } from './threads/pool';
import { sharedWasmElementwise, type WasmElementwise } from './wasm/wasm-elementwise';
import { WasmGemm, wasmGemmSupported } from './wasm/wasm-gemm';
import { sharedWasmReduce, type WasmReduce } from './wasm/wasm-reduce';

/**
 * Chooses how float32 products run for one backend: the WebAssembly SIMD GEMM (when `wasm` is
 * set and the environment supports it), on `threads` threads. Engines with one thread share a
 * process-wide WasmGemm, so each backend does not grow its own memory. The same `wasm` setting
 * decides whether float32 elementwise, reduction and softmax kernels use WebAssembly SIMD (on the calling thread).
 */
export class GemmEngine {
  private readonly requestedThreads: number;
  private readonly wasm: boolean;
  private own: WasmGemm | undefined;

  constructor(options: { wasm: boolean; threads: number }) {
    this.wasm = options.wasm && wasmGemmSupported();
    this.requestedThreads = this.wasm && workerThreadsAvailable() ? options.threads : 1;
  }

  /**
   * Threads large products are split across: the requested count where worker threads exist,
   * else 1, and 1 after a worker reported an error.
   */
  get threads(): number {
    return this.own?.threadsInUse ?? this.requestedThreads;
  }

  /** Whether float32 products use the WebAssembly GEMM. */
  get usesWasm(): boolean {
    return this.wasm;
  }

  /** Returns the WebAssembly GEMM, created on first use, or undefined when `wasm` is off. */
  wasmGemm(): WasmGemm | undefined {
    if (!this.wasm) return undefined;
    if (this.requestedThreads <= 1) return sharedSingleThreaded();
    this.own ??= new WasmGemm(this.requestedThreads);
    return this.own;
  }

  /**
   * Returns the WebAssembly elementwise kernels (one instance per process), or undefined when
   * `wasm` is off or the module does not compile here.
   */
  wasmElementwise(): WasmElementwise | undefined {
    return this.wasm ? sharedWasmElementwise() : undefined;
  }

  /**
   * Returns the WebAssembly reduction and softmax kernels (one instance per process), or
   * undefined when `wasm` is off or the module does not compile here.
   */
  wasmReduce(): WasmReduce | undefined {
    return this.wasm ? sharedWasmReduce() : undefined;
  }

  /** Terminates the worker threads and drops this engine's memory; later use starts anew. */
  destroy(): void {
    this.own?.destroy();
    this.own = undefined;
  }
}

let singleThreaded: WasmGemm | undefined;

function sharedSingleThreaded(): WasmGemm {
  singleThreaded ??= new WasmGemm(1);
  return singleThreaded;
}

/** The engine of kernels called outside a backend (`cpuKernels` directly): one thread. */
let defaultEngine: GemmEngine | undefined;
let active: GemmEngine | undefined;

/** Returns the engine of the kernel now running. */
export function activeEngine(): GemmEngine {
  if (active !== undefined) return active;
  defaultEngine ??= new GemmEngine({ wasm: true, threads: 1 });
  return defaultEngine;
}

/** Runs `kernel` with `engine` active (kernels are synchronous, so one variable suffices). */
export function runWithEngine<T>(engine: GemmEngine, kernel: () => T): T {
  const previous = active;
  active = engine;
  try {
    return kernel();
  } finally {
    active = previous;
  }
}
