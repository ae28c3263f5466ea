/*
 * Block sizes of the WebAssembly GEMM. A B micro-panel (KC x NR floats, 8 KiB) stays in L1 while
 * the A block (MC x KC, 128 KiB) streams from L2; the B block (KC x NC, 1 MiB) fits a 2 MiB L2.
 * Nearby choices (KC 384-512, MC 64-128, NC 512-2048, MR 3-6) measured the same within noise,
 * timing the module's `gemm` export at 512 and 1024 on a 2-core Sapphire Rapids Xeon (Node 20).
 */

/** Rows of A per micro-kernel tile. */
export const MR = 4;
/** Columns of B per micro-kernel tile: two f32x4 vectors. */
export const NR = 8;
/** Depth of one slice of the inner dimension. */
export const KC = 256;
/** Rows of A per packed block. */
export const MC = 128;
/** Columns of B per packed block. */
export const NC = 1024;
/** Bytes of the pack buffer for one MC x KC block of A. */
export const PACK_A_BYTES = MC * KC * 4;
/** Bytes of pack buffers per thread: A's, then one for a KC x NC block of B. */
export const PACK_BYTES = PACK_A_BYTES + KC * NC * 4;
