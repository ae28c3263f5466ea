/*
 * The control block that the calling thread and the GEMM workers share: an Int32Array over a
 * SharedArrayBuffer. Counters are read and written with Atomics; the product's arguments are
 * plain stores made before the Atomics.store that publishes them.
 *
 * One product is split into CHUNKS chunks. Every thread, the caller included, claims chunks by
 * incrementing NEXT until none are left, so a worker that wakes late, or never started, only
 * leaves more chunks to the others. A plain product's chunks are bands of C's rows or columns,
 * each packing its own copy of the other operand. A product with a shared packed B (PACK_ITEMS
 * > 0) starts with PACK_ITEMS chunks that each pack one piece of B into one buffer, followed by
 * bands of rows that wait until PACKED reaches 0 and then read that buffer.
 */
import { KC, NC, NR } from '../wasm/gemm-blocking';

/** Chunks of the current product not yet finished; the thread finishing the last notifies it. */
export const REMAINING = 0;
/** Workers that have instantiated the module and entered their loop. */
export const READY = 1;
/** Chunks whose `gemm` call threw. */
export const FAILED = 2;
/** The next chunk index to claim; at or past CHUNKS, none are left. */
export const NEXT = 3;
/**
 * NEXT while the caller writes a new product: larger than any chunk count, so a worker still
 * claiming from the previous product finds nothing, whatever CHUNKS it reads.
 */
export const CLOSED = 1 << 30;
/** Product number, changed to wake the workers; STOP ends them. */
export const SEQUENCE = 4;
/** Chunks computed by workers so far (read by tests). */
export const WORKER_CHUNKS = 5;
/** Pack chunks not yet finished; the thread that finishes the last one notifies it. */
export const PACKED = 6;
/** First of the 11 arguments `a, ars, acs, b, brs, bcs, c, ldc, m, n, k` of the product. */
export const ARGS = 8;
/** 1 to split C by rows, 0 by columns. */
export const BY_ROWS = 19;
/** Rows (or columns) per chunk: a multiple of the micro-kernel tile. */
export const CHUNK = 20;
export const CHUNKS = 21;
/** Chunks, at the head of the product, that pack B into the shared buffer; 0 for none. */
export const PACK_ITEMS = 22;
/** Byte address of the shared packed B (layout of `packedBOffset` in gemm-module.ts). */
export const PACKED_B = 23;
export const CONTROL_INTS = 24;
/**
 * Columns of B per pack chunk: a divisor of NC, so no chunk straddles two column blocks. At
 * 256 x 256 floats (256 KiB), a 1024 x 1024 B makes 16 chunks.
 */
export const PACK_COLUMNS = 256;
export const STOP = -1;

/** The GEMM module's exports that a thread calls (see gemm-module.ts for their arguments). */
export interface GemmExports {
  gemm: (...args: number[]) => void;
  gemmPacked: (...args: number[]) => void;
  packB: (...args: number[]) => void;
}

/** Returns the number of pack chunks of a k x n B: KC-deep slices times PACK_COLUMNS pieces. */
export function packChunkCount(n: number, k: number): number {
  return Math.ceil(k / KC) * Math.ceil(n / PACK_COLUMNS);
}

/**
 * Runs chunks of the product in `control` until none are left, calling `exports`, with
 * `packA` and `packB` as this thread's pack buffers.
 *
 * The worker source below repeats this loop in plain JavaScript, because a worker started from
 * a string cannot import it: a change here must be made there too (the two-thread tests compare
 * every element with one thread).
 */
export function runChunks(
  control: Int32Array,
  exports: GemmExports,
  packA: number,
  packB: number,
): void {
  for (;;) {
    const chunk = Atomics.add(control, NEXT, 1);
    if (chunk >= control[CHUNKS]) break;
    const packItems = control[PACK_ITEMS];
    try {
      runChunk(control, chunk, exports, packA, packB);
    } catch {
      // Counted rather than thrown, so this chunk still counts as finished and no thread waits
      // for it; the caller throws once every chunk is done.
      Atomics.add(control, FAILED, 1);
    }
    if (chunk < packItems && Atomics.sub(control, PACKED, 1) === 1) {
      Atomics.notify(control, PACKED);
    }
    if (Atomics.sub(control, REMAINING, 1) === 1) Atomics.notify(control, REMAINING);
  }
}

/** Runs chunk `chunk` of the product in `control`. */
function runChunk(
  control: Int32Array,
  chunk: number,
  { gemm, gemmPacked, packB: packPanels }: GemmExports,
  packA: number,
  packB: number,
): void {
  const [a, ars, acs, b, brs, bcs, c, ldc, m, n, k] = control.subarray(ARGS, ARGS + 11);
  const packItems = control[PACK_ITEMS];
  const packedB = control[PACKED_B];
  if (chunk < packItems) {
    // Columns j0 to j0 + PACK_COLUMNS of the KC slice at pc, written where packedBOffset
    // (gemm-module.ts) puts them.
    const pieces = Math.ceil(n / PACK_COLUMNS);
    const pc = Math.floor(chunk / pieces) * KC;
    const j0 = (chunk % pieces) * PACK_COLUMNS;
    const jc = j0 - (j0 % NC);
    const depth = Math.min(KC, k - pc);
    const width = Math.ceil(Math.min(NC, n - jc) / NR) * NR;
    const target = packedB + 4 * (jc * k + pc * width + (j0 - jc) * depth);
    const source = b + 4 * (pc * brs + j0 * bcs);
    packPanels(source, 4 * brs, 4 * bcs, depth, Math.min(PACK_COLUMNS, n - j0), target);
    return;
  }
  const start = (chunk - packItems) * control[CHUNK];
  if (packItems > 0) {
    for (;;) {
      const left = Atomics.load(control, PACKED);
      if (left === 0) break;
      Atomics.wait(control, PACKED, left);
    }
    const rows = Math.min(control[CHUNK], m - start);
    const aRows = a + start * ars * 4;
    const cRows = c + start * ldc * 4;
    gemmPacked(aRows, ars, acs, packedB, cRows, ldc, rows, n, k, packA);
  } else if (control[BY_ROWS] === 1) {
    const rows = Math.min(control[CHUNK], m - start);
    const aRows = a + start * ars * 4;
    const cRows = c + start * ldc * 4;
    gemm(aRows, ars, acs, b, brs, bcs, cRows, ldc, rows, n, k, packA, packB);
  } else {
    const cols = Math.min(control[CHUNK], n - start);
    const bColumns = b + start * bcs * 4;
    const cColumns = c + start * 4;
    gemm(a, ars, acs, bColumns, brs, bcs, cColumns, ldc, m, cols, k, packA, packB);
  }
}

/**
 * The worker's program, run by `new Worker(source, { eval: true })`. Workers inherit the
 * parent's execArgv, so with `--input-type=module` the source runs as an ES module: it therefore
 * uses `process.getBuiltinModule`, which works in both kinds of script, and no `require`. It
 * receives the compiled module, the shared memory, the control block and its pack buffers as
 * `workerData`, then runs chunks each time SEQUENCE changes, until it becomes STOP. It blocks in
 * Atomics.wait between products, so it never returns to its event loop and reads no messages.
 */
export const WORKER_SOURCE = `'use strict';
const { workerData } = process.getBuiltinModule('node:worker_threads');
const { module, memory, control, packA, packB } = workerData;
const { gemm, gemmPacked, packB: packPanels } = new WebAssembly.Instance(module, {
  env: { memory },
}).exports;

function runChunk(chunk) {
  const [a, ars, acs, b, brs, bcs, c, ldc, m, n, k] = control.subarray(${ARGS}, ${ARGS + 11});
  const packItems = control[${PACK_ITEMS}];
  const packedB = control[${PACKED_B}];
  if (chunk < packItems) {
    const pieces = Math.ceil(n / ${PACK_COLUMNS});
    const pc = Math.floor(chunk / pieces) * ${KC};
    const j0 = (chunk % pieces) * ${PACK_COLUMNS};
    const jc = j0 - (j0 % ${NC});
    const depth = Math.min(${KC}, k - pc);
    const width = Math.ceil(Math.min(${NC}, n - jc) / ${NR}) * ${NR};
    const target = packedB + 4 * (jc * k + pc * width + (j0 - jc) * depth);
    const source = b + 4 * (pc * brs + j0 * bcs);
    packPanels(source, 4 * brs, 4 * bcs, depth, Math.min(${PACK_COLUMNS}, n - j0), target);
    return;
  }
  const start = (chunk - packItems) * control[${CHUNK}];
  if (packItems > 0) {
    for (;;) {
      const left = Atomics.load(control, ${PACKED});
      if (left === 0) break;
      Atomics.wait(control, ${PACKED}, left);
    }
    const rows = Math.min(control[${CHUNK}], m - start);
    const aRows = a + start * ars * 4;
    const cRows = c + start * ldc * 4;
    gemmPacked(aRows, ars, acs, packedB, cRows, ldc, rows, n, k, packA);
  } else if (control[${BY_ROWS}] === 1) {
    const rows = Math.min(control[${CHUNK}], m - start);
    const aRows = a + start * ars * 4;
    const cRows = c + start * ldc * 4;
    gemm(aRows, ars, acs, b, brs, bcs, cRows, ldc, rows, n, k, packA, packB);
  } else {
    const cols = Math.min(control[${CHUNK}], n - start);
    const bColumns = b + start * bcs * 4;
    const cColumns = c + start * 4;
    gemm(a, ars, acs, bColumns, brs, bcs, cColumns, ldc, m, cols, k, packA, packB);
  }
}

Atomics.add(control, ${READY}, 1);
Atomics.notify(control, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(control, ${SEQUENCE}, seen);
  seen = Atomics.load(control, ${SEQUENCE});
  if (seen === ${STOP}) break;
  for (;;) {
    const chunk = Atomics.add(control, ${NEXT}, 1);
    if (chunk >= control[${CHUNKS}]) break;
    const packItems = control[${PACK_ITEMS}];
    try {
      runChunk(chunk);
    } catch {
      Atomics.add(control, ${FAILED}, 1);
    }
    Atomics.add(control, ${WORKER_CHUNKS}, 1);
    if (chunk < packItems && Atomics.sub(control, ${PACKED}, 1) === 1) {
      Atomics.notify(control, ${PACKED});
    }
    if (Atomics.sub(control, ${REMAINING}, 1) === 1) Atomics.notify(control, ${REMAINING});
  }
}
`;
