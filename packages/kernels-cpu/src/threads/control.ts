/*
 * The control block that the calling thread and the GEMM workers share: an Int32Array over a
 * SharedArrayBuffer. Counters are read and written with Atomics; the product's arguments are
 * plain stores made before the Atomics.store that publishes them.
 *
 * One product is split into CHUNKS chunks of C (bands of rows or of columns). Every thread,
 * the caller included, claims chunks by incrementing NEXT until none are left, so a worker that
 * wakes late, or never started, only leaves more chunks to the others.
 */

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
/** First of the 11 arguments `a, ars, acs, b, brs, bcs, c, ldc, m, n, k` of the product. */
export const ARGS = 8;
/** 1 to split C by rows, 0 by columns. */
export const BY_ROWS = 19;
/** Rows (or columns) per chunk: a multiple of the micro-kernel tile. */
export const CHUNK = 20;
export const CHUNKS = 21;
export const CONTROL_INTS = 24;
export const STOP = -1;

/**
 * Runs chunks of the product in `control` until none are left. `gemm` is the module's export,
 * `packA` and `packB` this thread's pack buffers.
 *
 * The worker source below repeats this loop in plain JavaScript, because a worker started from
 * a string cannot import it: a change here must be made there too (the two-thread tests compare
 * every element with one thread).
 */
export function runChunks(
  control: Int32Array,
  gemm: (...args: number[]) => void,
  packA: number,
  packB: number,
): void {
  for (;;) {
    const chunk = Atomics.add(control, NEXT, 1);
    if (chunk >= control[CHUNKS]) break;
    const [a, ars, acs, b, brs, bcs, c, ldc, m, n, k] = control.subarray(ARGS, ARGS + 11);
    const start = chunk * control[CHUNK];
    try {
      if (control[BY_ROWS] === 1) {
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
    } catch {
      // Counted rather than thrown, so this chunk still counts as finished and no thread waits
      // for it; the caller throws once every chunk is done.
      Atomics.add(control, FAILED, 1);
    }
    if (Atomics.sub(control, REMAINING, 1) === 1) Atomics.notify(control, REMAINING);
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
const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm;
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
    const [a, ars, acs, b, brs, bcs, c, ldc, m, n, k] = control.subarray(${ARGS}, ${ARGS + 11});
    const start = chunk * control[${CHUNK}];
    try {
      if (control[${BY_ROWS}] === 1) {
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
    } catch {
      Atomics.add(control, ${FAILED}, 1);
    }
    Atomics.add(control, ${WORKER_CHUNKS}, 1);
    if (Atomics.sub(control, ${REMAINING}, 1) === 1) Atomics.notify(control, ${REMAINING});
  }
}
`;
