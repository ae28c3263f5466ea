import type { TypedArray } from '@tessera/tensor';

/*
 * The TypeScript GEMM: float64 arithmetic for float64 products, and for float32 ones where the
 * WebAssembly GEMM (kernels/gemm.ts) is off or unavailable.
 *
 * Float matrices go through a packed, cache-blocked GEMM in the GotoBLAS layout:
 *   for each NC-wide column block of B
 *     for each KC-deep slice of the inner dimension
 *       pack B[pc:pc+kc, jc:jc+nc] into NR-wide panels (kc x NR each, contiguous)  -> L2/L3
 *       for each MC-tall row block of A
 *         pack A[ic:ic+mc, pc:pc+kc] into MR-tall panels (kc x MR each, contiguous) -> L2
 *         for each pair of panels: the MR x NR micro-kernel, whose 32 accumulators are
 *         local variables, streams one A panel and one B panel (KC * (MR + NR) * 8 bytes,
 *         which fits L1) and adds its tile into C.
 * Packing reads A and B through (row stride, column stride) pairs, which is how transposeA and
 * transposeB are handled at no extra cost, and pads edge panels with zeros so the
 * micro-kernel always runs full-size; edge tiles are clipped when written back.
 * Packed panels are float64, so float32 inputs are converted once while packing and all
 * arithmetic is float64; each KC slice's contribution is added into C.
 */

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 128;
const NC = 2048;

/** Below this many multiply-adds the plain loop beats packing. */
const PACKED_MIN_WORK = 16 * 16 * 16;

// Pack buffers, grown on first use and then reused (at most MC * KC and KC * NC float64s:
// 256 KiB and 4 MiB). Kernels run synchronously, so one pair serves every call.
let packA = new Float64Array(0);
let packB = new Float64Array(0);
const edgeTile = new Float64Array(MR * NR);

/** A strided matrix operand: element (r, c) is `data[offset + r * rs + c * cs]`. */
export interface Operand {
  data: TypedArray;
  offset: number;
  rs: number;
  cs: number;
}

/** Packs rows [row0, row0 + rows) x columns [col0, col0 + depth) of A into MR-tall panels. */
function packPanelsA(A: Operand, row0: number, rows: number, col0: number, depth: number): void {
  const { data, rs, cs } = A;
  const buffer = packA;
  let q = 0;
  for (let ir = 0; ir < rows; ir += MR) {
    const h = Math.min(MR, rows - ir);
    const base = A.offset + (row0 + ir) * rs + col0 * cs;
    if (h === MR) {
      for (let p = 0, s = base; p < depth; p++, s += cs, q += MR) {
        buffer[q] = data[s];
        buffer[q + 1] = data[s + rs];
        buffer[q + 2] = data[s + 2 * rs];
        buffer[q + 3] = data[s + 3 * rs];
      }
    } else {
      for (let p = 0, s = base; p < depth; p++, s += cs, q += MR) {
        for (let i = 0; i < MR; i++) buffer[q + i] = i < h ? data[s + i * rs] : 0;
      }
    }
  }
}

/** Packs rows [row0, row0 + depth) x columns [col0, col0 + cols) of B into NR-wide panels. */
function packPanelsB(B: Operand, row0: number, depth: number, col0: number, cols: number): void {
  const { data, rs, cs } = B;
  const buffer = packB;
  let q = 0;
  for (let jr = 0; jr < cols; jr += NR) {
    const w = Math.min(NR, cols - jr);
    const base = B.offset + row0 * rs + (col0 + jr) * cs;
    if (w === NR && cs === 1) {
      for (let p = 0, s = base; p < depth; p++, s += rs, q += NR) {
        buffer[q] = data[s];
        buffer[q + 1] = data[s + 1];
        buffer[q + 2] = data[s + 2];
        buffer[q + 3] = data[s + 3];
        buffer[q + 4] = data[s + 4];
        buffer[q + 5] = data[s + 5];
        buffer[q + 6] = data[s + 6];
        buffer[q + 7] = data[s + 7];
      }
    } else {
      for (let p = 0, s = base; p < depth; p++, s += rs, q += NR) {
        for (let j = 0; j < NR; j++) buffer[q + j] = j < w ? data[s + j * cs] : 0;
      }
    }
  }
}

/**
 * C[co.., MR x NR tile, row stride ldc] += (A panel at ia) * (B panel at ib) over kc steps.
 * Edge tiles go through `edgeTile` (see `addEdgeTile`), so this always writes a full tile.
 */
function microKernel(
  ap: Float64Array,
  ia: number,
  bp: Float64Array,
  ib: number,
  kc: number,
  c: TypedArray,
  co: number,
  ldc: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c04 = 0,
    c05 = 0,
    c06 = 0,
    c07 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c14 = 0,
    c15 = 0,
    c16 = 0,
    c17 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c24 = 0,
    c25 = 0,
    c26 = 0,
    c27 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0,
    c34 = 0,
    c35 = 0,
    c36 = 0,
    c37 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = ap[ia],
      a1 = ap[ia + 1],
      a2 = ap[ia + 2],
      a3 = ap[ia + 3];
    const b0 = bp[ib],
      b1 = bp[ib + 1],
      b2 = bp[ib + 2],
      b3 = bp[ib + 3];
    const b4 = bp[ib + 4],
      b5 = bp[ib + 5],
      b6 = bp[ib + 6],
      b7 = bp[ib + 7];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c04 += a0 * b4;
    c05 += a0 * b5;
    c06 += a0 * b6;
    c07 += a0 * b7;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c14 += a1 * b4;
    c15 += a1 * b5;
    c16 += a1 * b6;
    c17 += a1 * b7;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c24 += a2 * b4;
    c25 += a2 * b5;
    c26 += a2 * b6;
    c27 += a2 * b7;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    c34 += a3 * b4;
    c35 += a3 * b5;
    c36 += a3 * b6;
    c37 += a3 * b7;
    // Literal steps (MR, NR): a module-level constant may be reloaded on every iteration.
    ia += 4;
    ib += 8;
  }
  const r0 = co;
  c[r0] += c00;
  c[r0 + 1] += c01;
  c[r0 + 2] += c02;
  c[r0 + 3] += c03;
  c[r0 + 4] += c04;
  c[r0 + 5] += c05;
  c[r0 + 6] += c06;
  c[r0 + 7] += c07;
  const r1 = co + ldc;
  c[r1] += c10;
  c[r1 + 1] += c11;
  c[r1 + 2] += c12;
  c[r1 + 3] += c13;
  c[r1 + 4] += c14;
  c[r1 + 5] += c15;
  c[r1 + 6] += c16;
  c[r1 + 7] += c17;
  const r2 = co + 2 * ldc;
  c[r2] += c20;
  c[r2 + 1] += c21;
  c[r2 + 2] += c22;
  c[r2 + 3] += c23;
  c[r2 + 4] += c24;
  c[r2 + 5] += c25;
  c[r2 + 6] += c26;
  c[r2 + 7] += c27;
  const r3 = co + 3 * ldc;
  c[r3] += c30;
  c[r3 + 1] += c31;
  c[r3 + 2] += c32;
  c[r3 + 3] += c33;
  c[r3 + 4] += c34;
  c[r3 + 5] += c35;
  c[r3 + 6] += c36;
  c[r3 + 7] += c37;
}

/** Adds the h x w corner of a micro-kernel tile computed into `edgeTile` to C. */
function addEdgeTile(c: TypedArray, co: number, ldc: number, h: number, w: number): void {
  const t = edgeTile;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) c[co + i * ldc + j] += t[i * NR + j];
  }
  t.fill(0);
}

/** C[cOffset.., m x n, row-major] += A (m x k) * B (k x n), packed and blocked. */
function gemmPacked(
  A: Operand,
  B: Operand,
  c: TypedArray,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): void {
  const kcMax = Math.min(KC, k);
  const mcMax = Math.min(MC, Math.ceil(m / MR) * MR);
  const ncMax = Math.min(NC, Math.ceil(n / NR) * NR);
  if (packA.length < mcMax * kcMax) packA = new Float64Array(mcMax * kcMax);
  if (packB.length < ncMax * kcMax) packB = new Float64Array(ncMax * kcMax);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelsB(B, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanelsA(A, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const w = Math.min(NR, nc - jr);
          const ib = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const h = Math.min(MR, mc - ir);
            const co = cOffset + (ic + ir) * n + jc + jr;
            if (h === MR && w === NR) {
              microKernel(packA, ir * kc, packB, ib, kc, c, co, n);
            } else {
              microKernel(packA, ir * kc, packB, ib, kc, edgeTile, 0, NR);
              addEdgeTile(c, co, n, h, w);
            }
          }
        }
      }
    }
  }
}

/** C = A * B with a row of float64 accumulators: for small products, where packing costs more. */
function gemmSmall(
  A: Operand,
  B: Operand,
  c: TypedArray,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): void {
  const row = new Float64Array(n);
  const { data: a, rs: ars, cs: acs } = A;
  const { data: b, rs: brs, cs: bcs } = B;
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const av = a[A.offset + i * ars + p * acs];
      const bo = B.offset + p * brs;
      for (let j = 0; j < n; j++) row[j] += av * b[bo + j * bcs];
    }
    const co = cOffset + i * n;
    for (let j = 0; j < n; j++) c[co + j] = row[j];
  }
}

/**
 * C = A * B as one dot product per output element, with four partial sums: for outputs only
 * a few columns wide (matrix-vector products), where NR-wide panels would be mostly padding.
 */
function gemmDot(
  A: Operand,
  B: Operand,
  c: TypedArray,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): void {
  const { data: a, cs: acs } = A;
  const { data: b, rs: brs } = B;
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ao = A.offset + i * A.rs;
    for (let j = 0; j < n; j++) {
      const bo = B.offset + j * B.cs;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let p = 0;
      for (; p < k4; p += 4) {
        s0 += a[ao + p * acs] * b[bo + p * brs];
        s1 += a[ao + (p + 1) * acs] * b[bo + (p + 1) * brs];
        s2 += a[ao + (p + 2) * acs] * b[bo + (p + 2) * brs];
        s3 += a[ao + (p + 3) * acs] * b[bo + (p + 3) * brs];
      }
      for (; p < k; p++) s0 += a[ao + p * acs] * b[bo + p * brs];
      c[cOffset + i * n + j] = s0 + s1 + (s2 + s3);
    }
  }
}

/**
 * Float C = A B for an m x k A and a k x n B, written row-major at `c[cOffset...]`; C must be
 * zeroed by the caller (the packed path adds into it).
 */
export function gemmFloat(
  A: Operand,
  B: Operand,
  c: TypedArray,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): void {
  // Thresholds measured: below them the padded panels waste more than packing saves.
  if (n <= 2) gemmDot(A, B, c, cOffset, m, n, k);
  else if (m === 1 || m * n * k < PACKED_MIN_WORK) gemmSmall(A, B, c, cOffset, m, n, k);
  else gemmPacked(A, B, c, cOffset, m, n, k);
}

/** int32 product; sums and products wrap as int32 does. */
export function gemmInt(
  A: Operand,
  B: Operand,
  c: TypedArray,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): void {
  const row = new Int32Array(n);
  const { data: a, rs: ars, cs: acs } = A;
  const { data: b, rs: brs, cs: bcs } = B;
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const av = a[A.offset + i * ars + p * acs];
      const bo = B.offset + p * brs;
      for (let j = 0; j < n; j++) row[j] = (row[j] + Math.imul(av, b[bo + j * bcs])) | 0;
    }
    c.set(row, cOffset + i * n);
  }
}
