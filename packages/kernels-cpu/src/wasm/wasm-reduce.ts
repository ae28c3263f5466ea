import { buildReduceModule, type ExtremeOp } from './reduce-module';
import { CHUNK } from './wasm-elementwise';
import { webAssembly } from './webassembly';

/*
 * Scratch layout. Inputs are copied in chunks of up to CHUNK floats (whole rows when a row
 * fits, else one row in pieces), so a chunk contains at most CHUNK rows, which bounds the
 * per-row tables.
 */
const CHUNK_BYTES = CHUNK * 4;
const REGION_X = 0;
const REGION_E = CHUNK_BYTES;
/** Per-row float32 values: row extremes, shifts or scales. */
const REGION_ROW_F32 = 2 * CHUNK_BYTES;
/** Per-row float32 pairs (hi, lo) of the log-softmax subtraction. */
const REGION_PAIRS = 3 * CHUNK_BYTES;
/** Per-row float64 sums, or the float64 column accumulator. */
const REGION_ROW_F64 = 5 * CHUNK_BYTES;
const PAGES = Math.ceil((7 * CHUNK_BYTES) / 65536);

type RowsExport = (address: number, n: number, rows: number, out: number) => void;
type SumExpRowsExport = (
  address: number,
  n: number,
  rows: number,
  shifts: number,
  out: number,
  sums: number,
) => void;
type PerRowExport = (address: number, n: number, rows: number, table: number, out: number) => void;

interface ReduceExports {
  sumRows: RowsExport;
  maxRows: RowsExport;
  minRows: RowsExport;
  sumColumns: RowsExport;
  maxColumns: RowsExport;
  minColumns: RowsExport;
  sumExpRows: SumExpRowsExport;
  scaleRows: PerRowExport;
  subtractRows: PerRowExport;
  argmaxRows: RowsExport;
  argminRows: RowsExport;
}

const IDENTITY: Record<ExtremeOp, number> = {
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/** Returns whether `v` replaces the running extreme `m`, as in kernels/reduce.ts. */
function replaces(op: ExtremeOp, v: number, m: number): boolean {
  return (op === 'max' ? v > m : v < m) || Number.isNaN(v);
}

/**
 * Float32 reductions and softmax over the rows (or columns) of a contiguous [rows, n] array,
 * in WebAssembly SIMD. Results match the TypeScript kernels: max and min exactly, column sums
 * exactly (same float64 order), row sums to the rounding of a float64 sum in another order,
 * and softmax to a few float32 ulps.
 */
export class WasmReduce {
  private readonly x: Float32Array;
  private readonly e: Float32Array;
  private readonly rowF32: Float32Array;
  /** REGION_ROW_F32 as int32, for the indices of argmax and argmin. */
  private readonly rowI32: Int32Array;
  private readonly pairs: Float32Array;
  private readonly rowF64: Float64Array;
  private readonly exports: ReduceExports;

  constructor(exports: Record<string, unknown>, buffer: ArrayBuffer | SharedArrayBuffer) {
    // The memory never grows, so these views stay valid.
    this.x = new Float32Array(buffer, REGION_X, CHUNK);
    this.e = new Float32Array(buffer, REGION_E, CHUNK);
    this.rowF32 = new Float32Array(buffer, REGION_ROW_F32, CHUNK);
    this.rowI32 = new Int32Array(buffer, REGION_ROW_F32, CHUNK);
    this.pairs = new Float32Array(buffer, REGION_PAIRS, 2 * CHUNK);
    this.rowF64 = new Float64Array(buffer, REGION_ROW_F64, CHUNK);
    this.exports = exports as unknown as ReduceExports;
  }

  /** Writes the sum of each row of x ([rows, n], n >= 1) to out[r], rounded once to float32. */
  sumRows(x: Float32Array, rows: number, n: number, out: Float32Array): void {
    const run = this.exports.sumRows;
    if (n <= CHUNK) {
      this.forEachChunkOfRows(x, rows, n, (first, count) => {
        run(REGION_X, n, count, REGION_ROW_F64);
        out.set(this.rowF64.subarray(0, count), first);
      });
      return;
    }
    for (let r = 0; r < rows; r++) {
      let total = 0;
      this.forEachPiece(x, r * n, n, (length) => {
        run(REGION_X, length, 1, REGION_ROW_F64);
        total += this.rowF64[0];
      });
      out[r] = total;
    }
  }

  /** Writes the max or min of each row of x ([rows, n], n >= 1) to out[r]. */
  extremeRows(op: ExtremeOp, x: Float32Array, rows: number, n: number, out: Float32Array): void {
    const run = op === 'max' ? this.exports.maxRows : this.exports.minRows;
    if (n <= CHUNK) {
      this.forEachChunkOfRows(x, rows, n, (first, count) => {
        run(REGION_X, n, count, REGION_ROW_F32);
        out.set(this.rowF32.subarray(0, count), first);
      });
    } else {
      for (let r = 0; r < rows; r++) {
        let m = IDENTITY[op];
        this.forEachPiece(x, r * n, n, (length) => {
          run(REGION_X, length, 1, REGION_ROW_F32);
          const v = this.rowF32[0];
          if (replaces(op, v, m)) m = v;
        });
        out[r] = m;
      }
    }
    // The vector lanes visit a row out of order, but the TypeScript loop keeps the first of
    // equal values. That only shows for zeros, so a zero result takes the sign of the row's
    // first zero.
    for (let r = 0; r < rows; r++) {
      if (out[r] === 0) out[r] = firstZero(x, r * n, n);
    }
  }

  /**
   * Writes the index of the first max or min of each row of x ([rows, n], n >= 1) to out[r],
   * or the index of the row's first NaN where it has one, as kernels/arg-reduce.ts does.
   */
  argRows(op: ExtremeOp, x: Float32Array, rows: number, n: number, out: Int32Array): void {
    const run = op === 'max' ? this.exports.argmaxRows : this.exports.argminRows;
    if (n <= CHUNK) {
      this.forEachChunkOfRows(x, rows, n, (first, count) => {
        run(REGION_X, n, count, REGION_ROW_F32);
        out.set(this.rowI32.subarray(0, count), first);
      });
      return;
    }
    // A row longer than the scratch: the first extreme of each piece, merged in piece order.
    for (let r = 0; r < rows; r++) {
      const start = r * n;
      let best = 0;
      let index = 0;
      for (let offset = 0; offset < n; offset += CHUNK) {
        const length = Math.min(CHUNK, n - offset);
        this.x.set(x.subarray(start + offset, start + offset + length));
        run(REGION_X, length, 1, REGION_ROW_F32);
        const candidate = offset + this.rowI32[0];
        const v = x[start + candidate];
        if (Number.isNaN(v)) {
          index = candidate;
          break;
        }
        if (offset === 0 || (op === 'max' ? v > best : v < best)) {
          best = v;
          index = candidate;
        }
      }
      out[r] = index;
    }
  }

  /** Writes the sum over rows of x ([rows, n]) to out[j], accumulated in row order in float64. */
  sumColumns(x: Float32Array, rows: number, n: number, out: Float32Array): void {
    this.foldColumns(this.exports.sumColumns, x, rows, n, out, (width) =>
      this.rowF64.fill(0, 0, width),
    );
  }

  /** Writes the max or min over rows of x ([rows, n]) to out[j]. */
  extremeColumns(op: ExtremeOp, x: Float32Array, rows: number, n: number, out: Float32Array): void {
    const run = op === 'max' ? this.exports.maxColumns : this.exports.minColumns;
    this.foldColumns(run, x, rows, n, out, (width) => this.e.fill(IDENTITY[op], 0, width));
  }

  /**
   * Writes the softmax (or log-softmax when `log`) of each row of x ([rows, n], n >= 1) to
   * the same place in out, as kernels/softmax.ts defines it. Softmax is e * (1 / sum) with
   * e = exp(x - max); log-softmax is (x - hi) - lo, where hi + lo is shift + log(sum) split
   * into two float32.
   */
  softmaxRows(x: Float32Array, rows: number, n: number, out: Float32Array, log: boolean): void {
    const { maxRows, sumExpRows, scaleRows, subtractRows } = this.exports;
    if (n <= CHUNK) {
      this.forEachChunkOfRows(x, rows, n, (first, count) => {
        maxRows(REGION_X, n, count, REGION_ROW_F32);
        if (log) {
          for (let r = 0; r < count; r++) this.rowF32[r] = logShift(this.rowF32[r]);
        }
        sumExpRows(REGION_X, n, count, REGION_ROW_F32, REGION_E, REGION_ROW_F64);
        if (log) {
          for (let r = 0; r < count; r++) {
            this.setPair(r, this.rowF32[r] + Math.log(this.rowF64[r]));
          }
          subtractRows(REGION_X, n, count, REGION_PAIRS, REGION_E);
        } else {
          for (let r = 0; r < count; r++) this.rowF32[r] = 1 / this.rowF64[r];
          scaleRows(REGION_E, n, count, REGION_ROW_F32, REGION_E);
        }
        const length = count * n;
        out.set(length === CHUNK ? this.e : this.e.subarray(0, length), first * n);
      });
      return;
    }
    // A row longer than the scratch: three passes over its pieces (max, sum, output).
    for (let r = 0; r < rows; r++) {
      const start = r * n;
      let max = Number.NEGATIVE_INFINITY;
      this.forEachPiece(x, start, n, (length) => {
        maxRows(REGION_X, length, 1, REGION_ROW_F32);
        const v = this.rowF32[0];
        if (v > max || Number.isNaN(v)) max = v;
      });
      const shift = log ? logShift(max) : max;
      let sum = 0;
      this.forEachPiece(x, start, n, (length) => {
        this.rowF32[0] = shift;
        sumExpRows(REGION_X, length, 1, REGION_ROW_F32, REGION_E, REGION_ROW_F64);
        sum += this.rowF64[0];
      });
      this.forEachPiece(x, start, n, (length, offset) => {
        if (log) {
          this.setPair(0, shift + Math.log(sum));
          subtractRows(REGION_X, length, 1, REGION_PAIRS, REGION_E);
        } else {
          this.rowF32[0] = shift;
          sumExpRows(REGION_X, length, 1, REGION_ROW_F32, REGION_E, REGION_ROW_F64);
          this.rowF32[0] = 1 / sum;
          scaleRows(REGION_E, length, 1, REGION_ROW_F32, REGION_E);
        }
        out.set(this.e.subarray(0, length), start + offset);
      });
    }
  }

  /** Stores `total` as the float32 pair (hi, lo) of row r, with lo = 0 unless total is finite. */
  private setPair(r: number, total: number): void {
    const hi = Math.fround(total);
    this.pairs[2 * r] = hi;
    this.pairs[2 * r + 1] = Number.isFinite(total) ? total - hi : 0;
  }

  /** Copies chunks of whole rows (n <= CHUNK) into REGION_X and calls `body` on each. */
  private forEachChunkOfRows(
    x: Float32Array,
    rows: number,
    n: number,
    body: (first: number, count: number) => void,
  ): void {
    const rowsPerChunk = Math.floor(CHUNK / n);
    for (let first = 0; first < rows; first += rowsPerChunk) {
      const count = Math.min(rowsPerChunk, rows - first);
      this.x.set(x.subarray(first * n, (first + count) * n));
      body(first, count);
    }
  }

  /** Copies x[start, start + n) into REGION_X in pieces of up to CHUNK floats. */
  private forEachPiece(
    x: Float32Array,
    start: number,
    n: number,
    body: (length: number, offset: number) => void,
  ): void {
    for (let offset = 0; offset < n; offset += CHUNK) {
      const length = Math.min(CHUNK, n - offset);
      this.x.set(x.subarray(start + offset, start + offset + length));
      body(length, offset);
    }
  }

  /**
   * Folds the rows of x ([rows, n]) into an accumulator (float64 sums in REGION_ROW_F64 or
   * float32 extremes in REGION_E), CHUNK columns at a time, and writes it to out.
   */
  private foldColumns(
    run: RowsExport,
    x: Float32Array,
    rows: number,
    n: number,
    out: Float32Array,
    reset: (width: number) => void,
  ): void {
    const accumulator = run === this.exports.sumColumns ? REGION_ROW_F64 : REGION_E;
    const values = accumulator === REGION_ROW_F64 ? this.rowF64 : this.e;
    if (n <= CHUNK) {
      reset(n);
      this.forEachChunkOfRows(x, rows, n, (_first, count) => {
        run(REGION_X, n, count, accumulator);
      });
      out.set(values.subarray(0, n));
      return;
    }
    for (let column = 0; column < n; column += CHUNK) {
      const width = Math.min(CHUNK, n - column);
      reset(width);
      for (let r = 0; r < rows; r++) {
        const start = r * n + column;
        this.x.set(x.subarray(start, start + width));
        run(REGION_X, width, 1, accumulator);
      }
      out.set(values.subarray(0, width), column);
    }
  }
}

/**
 * Returns the log-softmax shift: the row maximum, or 0 where it is not finite, as
 * kernels/softmax.ts does.
 */
function logShift(max: number): number {
  return Number.isFinite(max) ? max : 0;
}

/** Returns the first zero of x[start, start + n), or 0 when there is none. */
function firstZero(x: Float32Array, start: number, n: number): number {
  for (let i = start; i < start + n; i++) {
    if (x[i] === 0) return x[i];
  }
  return 0;
}

/** The process-wide instance: undefined until first use, null where it cannot be built. */
let shared: WasmReduce | null | undefined;

/**
 * Returns the process-wide WebAssembly reduction kernels, built on first use, or undefined
 * where WebAssembly SIMD is unavailable.
 */
export function sharedWasmReduce(): WasmReduce | undefined {
  if (shared !== undefined) return shared ?? undefined;
  shared = null;
  const api = webAssembly();
  if (api === undefined) return undefined;
  const bytes = buildReduceModule(PAGES);
  if (!api.validate(bytes)) return undefined;
  const memory = new api.Memory({ initial: PAGES, maximum: PAGES });
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  shared = new WasmReduce(instance.exports, memory.buffer);
  return shared;
}
