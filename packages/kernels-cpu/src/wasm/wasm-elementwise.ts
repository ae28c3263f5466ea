import {
  buildElementwiseModule,
  WASM_BINARY_OPS,
  WASM_UNARY_OPS,
  type WasmBinaryOp,
  type WasmUnaryOp,
} from './elementwise-module';
import { webAssembly } from './webassembly';

/**
 * Floats per scratch region. Operands live in JavaScript typed arrays, so each call copies
 * chunks of this size into the module's memory, runs the SIMD loop and copies the results out.
 * The three regions (48 KiB) stay in L1 or L2 while a chunk is processed, so each input is
 * read from main memory once and the output written once, as with a plain loop. On 2^20 floats
 * (Node 20.20, 2.6 GHz Xeon), 4096 was up to 10% faster than 1024 or 2048 and tied with 8192.
 */
export const CHUNK = 4096;
const CHUNK_BYTES = CHUNK * 4;
/** Byte addresses of the scratch regions: a, b, out, and the bytes of a select's condition. */
const REGION_A = 0;
const REGION_B = CHUNK_BYTES;
const REGION_OUT = 2 * CHUNK_BYTES;
const REGION_CONDITION = 3 * CHUNK_BYTES;
const PAGES = Math.ceil((3 * CHUNK_BYTES + CHUNK) / 65536);

/**
 * Output sizes below which the elementwise kernels keep their TypeScript loops, because the
 * copies and the call cost more than the loop. It was measured with
 * scripts/elementwise-speed.mjs on Node 20.20, 2 cores of a 2.6 GHz Xeon, with other work on
 * the machine. There the WebAssembly path tied the TypeScript loops of neg, relu, add and
 * maximum at 64 to 128 elements, and was 1.3 to 1.5 times as fast at 256. exp was already 1.5
 * times as fast at 64.
 */
export const WASM_MIN_ELEMENTS = 256;

const UNARY_SET: ReadonlySet<string> = new Set(WASM_UNARY_OPS);
const BINARY_SET: ReadonlySet<string> = new Set(WASM_BINARY_OPS);

export function isWasmUnaryOp(op: string): op is WasmUnaryOp {
  return UNARY_SET.has(op);
}

export function isWasmBinaryOp(op: string): op is WasmBinaryOp {
  return BINARY_SET.has(op);
}

type UnaryExport = (address: number, bytes: number) => void;
type BinaryExport = (a: number, b: number, out: number, bytes: number) => void;
type SelectExport = (condition: number, a: number, b: number, out: number, count: number) => void;

/** Rounds a count of floats up to whole 16-byte vectors, in bytes. */
function vectorBytes(count: number): number {
  return Math.ceil(count / 4) * 16;
}

/**
 * Float32 elementwise kernels in WebAssembly SIMD over contiguous typed arrays. Every method
 * copies a chunk of each input into scratch memory before it writes that chunk of `out`, so
 * `out` may be the same array as an input.
 */
export class WasmElementwise {
  private readonly a: Float32Array;
  private readonly b: Float32Array;
  private readonly out: Float32Array;
  private readonly condition: Uint8Array;
  /** The a and b regions as raw bits, so a repeated value is copied without a float read. */
  private readonly aBits: Uint32Array;
  private readonly bBits: Uint32Array;
  private readonly selectExport: SelectExport;
  private readonly unaryExports: Record<WasmUnaryOp, UnaryExport>;
  private readonly binaryExports: Record<WasmBinaryOp, BinaryExport>;

  constructor(exports: Record<string, unknown>, buffer: ArrayBuffer | SharedArrayBuffer) {
    // The memory never grows, so these views stay valid.
    this.a = new Float32Array(buffer, REGION_A, CHUNK);
    this.b = new Float32Array(buffer, REGION_B, CHUNK);
    this.out = new Float32Array(buffer, REGION_OUT, CHUNK);
    this.condition = new Uint8Array(buffer, REGION_CONDITION, CHUNK);
    this.aBits = new Uint32Array(buffer, REGION_A, CHUNK);
    this.bBits = new Uint32Array(buffer, REGION_B, CHUNK);
    this.selectExport = exports.select as SelectExport;
    this.unaryExports = exports as Record<WasmUnaryOp, UnaryExport>;
    this.binaryExports = exports as Record<WasmBinaryOp, BinaryExport>;
  }

  /** Writes `op(x[i])` to `out[i]` for i < n. */
  unary(op: WasmUnaryOp, x: Float32Array, out: Float32Array, n: number): void {
    const run = this.unaryExports[op];
    const region = this.a;
    for (let start = 0; start < n; start += CHUNK) {
      const length = Math.min(CHUNK, n - start);
      region.set(x.subarray(start, start + length));
      run(REGION_A, vectorBytes(length));
      out.set(length === CHUNK ? region : region.subarray(0, length), start);
    }
  }

  /**
   * Writes `a[i] op b[i]` to `out[i]` for i < n, where an operand of `period` p < n repeats
   * its first p elements (p = 1 for a scalar, the row length for a row broadcast). At least
   * one operand must have period n, and the other's period must divide n.
   */
  binary(
    op: WasmBinaryOp,
    a: Float32Array,
    aPeriod: number,
    b: Float32Array,
    bPeriod: number,
    out: Float32Array,
    n: number,
  ): void {
    const run = this.binaryExports[op];
    const period = Math.min(aPeriod, bPeriod);
    if (period === n || period > CHUNK / 2) {
      // Copy both operands chunk by chunk, within each repeat of the shorter one.
      for (let base = 0; base < n; base += period) {
        for (let offset = 0; offset < period; offset += CHUNK) {
          const length = Math.min(CHUNK, period - offset);
          const start = base + offset;
          this.a.set(
            aPeriod === n ? a.subarray(start, start + length) : a.subarray(offset, offset + length),
          );
          this.b.set(
            bPeriod === n ? b.subarray(start, start + length) : b.subarray(offset, offset + length),
          );
          run(REGION_A, REGION_B, REGION_OUT, vectorBytes(length));
          this.writeOut(out, start, length);
        }
      }
      return;
    }
    // The shorter operand fits its region at least twice, so fill the region with whole
    // repeats once and then copy only the longer operand, in chunks of those repeats.
    const fromA = aPeriod < bPeriod;
    const span = Math.floor(CHUNK / period) * period;
    fillRepeats(fromA ? this.a : this.b, (fromA ? a : b).subarray(0, period), span);
    const streamed = fromA ? b : a;
    const region = fromA ? this.b : this.a;
    for (let start = 0; start < n; start += span) {
      const length = Math.min(span, n - start);
      region.set(streamed.subarray(start, start + length));
      run(REGION_A, REGION_B, REGION_OUT, vectorBytes(length));
      this.writeOut(out, start, length);
    }
  }

  /**
   * Writes `a[i]` where `condition[i]` is nonzero, else `b[i]`, to `out[i]` for i < n. An
   * operand with step 0 is one value used for every i; one with step 1 has n elements. The
   * bits of the chosen value are copied unchanged, signaling NaNs included.
   */
  select(
    condition: Uint8Array,
    conditionStep: 0 | 1,
    a: Float32Array,
    aStep: 0 | 1,
    b: Float32Array,
    bStep: 0 | 1,
    out: Float32Array,
    n: number,
  ): void {
    const run = this.selectExport;
    const filled = Math.min(CHUNK, wholeBlocks(n));
    if (conditionStep === 0) this.condition.fill(condition[0], 0, filled);
    if (aStep === 0) this.aBits.fill(firstBits(a), 0, filled);
    if (bStep === 0) this.bBits.fill(firstBits(b), 0, filled);
    for (let start = 0; start < n; start += CHUNK) {
      const length = Math.min(CHUNK, n - start);
      const end = start + length;
      if (conditionStep === 1) this.condition.set(condition.subarray(start, end));
      if (aStep === 1) this.a.set(a.subarray(start, end));
      if (bStep === 1) this.b.set(b.subarray(start, end));
      run(REGION_CONDITION, REGION_A, REGION_B, REGION_OUT, wholeBlocks(length));
      this.writeOut(out, start, length);
    }
  }

  private writeOut(out: Float32Array, start: number, length: number): void {
    out.set(length === CHUNK ? this.out : this.out.subarray(0, length), start);
  }
}

/** Rounds a count of floats up to the 16 that one pass of `select` takes. */
function wholeBlocks(count: number): number {
  return Math.ceil(count / 16) * 16;
}

/** Returns the bits of `values[0]`. */
function firstBits(values: Float32Array): number {
  return new Uint32Array(values.buffer, values.byteOffset, 1)[0];
}

/** Fills `region[0, span)` with copies of `pattern`, whose length must divide `span`. */
function fillRepeats(region: Float32Array, pattern: Float32Array, span: number): void {
  if (pattern.length === 1) {
    region.fill(pattern[0], 0, span);
    return;
  }
  region.set(pattern);
  for (let filled = pattern.length; filled < span; filled *= 2) {
    region.copyWithin(filled, 0, Math.min(filled, span - filled));
  }
}

/** The process-wide instance: undefined until first use, null where it cannot be built. */
let shared: WasmElementwise | null | undefined;

/**
 * Returns the process-wide WebAssembly elementwise kernels, built on first use, or undefined
 * where WebAssembly SIMD is unavailable. Kernels are synchronous, so one instance serves every
 * backend on this thread.
 */
export function sharedWasmElementwise(): WasmElementwise | undefined {
  if (shared !== undefined) return shared ?? undefined;
  shared = null;
  const api = webAssembly();
  if (api === undefined) return undefined;
  const bytes = buildElementwiseModule(PAGES);
  if (!api.validate(bytes)) return undefined;
  const memory = new api.Memory({ initial: PAGES, maximum: PAGES });
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  shared = new WasmElementwise(instance.exports, memory.buffer);
  return shared;
}
