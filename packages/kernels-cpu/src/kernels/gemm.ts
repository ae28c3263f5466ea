import type { DType, TypedArray } from '@tessera/tensor';
import { activeEngine } from '../gemm-engine';
import type { Layout } from '../wasm/wasm-gemm';
import { gemmFloat, type Operand } from './packed-gemm';

/**
 * Operand buffers for one product C = A B and the multiply that uses them. Fill `a` and `b`,
 * call `multiply` with their strides, then read C from `c` (row stride `ldc`). `alongside`, when
 * given, runs on the calling thread during or after the product. It must not touch the product's
 * A, B or C, but it may fill other parts of `a` and `b` for the next product.
 */
export interface GemmWorkspace {
  a: TypedArray;
  b: TypedArray;
  c: TypedArray;
  ldc: number;
  multiply(A: Layout, B: Layout, m: number, n: number, k: number, alongside?: () => void): void;
}

/**
 * Returns a workspace for an m x n product with `aSize` and `bSize` operand elements. float32
 * uses the active engine's WebAssembly GEMM in float32 arithmetic, whose buffers are views into
 * its memory and stay valid until the next workspace. float64, and float32 without WebAssembly,
 * use the TypeScript GEMM on fresh Float64Arrays.
 */
export function gemmWorkspace(
  dtype: DType,
  aSize: number,
  bSize: number,
  m: number,
  n: number,
): GemmWorkspace {
  const wasm = dtype === 'float32' ? activeEngine().wasmGemm() : undefined;
  const views = wasm?.reserve(aSize, bSize, m, n);
  if (wasm !== undefined && views !== undefined) {
    const multiply = (
      A: Layout,
      B: Layout,
      rows: number,
      cols: number,
      k: number,
      alongside?: () => void,
    ) => wasm.multiply(A, B, rows, cols, k, undefined, alongside);
    return { ...views, multiply };
  }
  const a = new Float64Array(aSize);
  const b = new Float64Array(bSize);
  const c = new Float64Array(m * n);
  const multiply = (
    A: Layout,
    B: Layout,
    rows: number,
    cols: number,
    k: number,
    alongside?: () => void,
  ): void => {
    c.fill(0, 0, rows * cols);
    const aOperand = { data: a, rs: A.rs, cs: A.cs, offset: A.offset ?? 0 };
    const bOperand = { data: b, rs: B.rs, cs: B.cs, offset: B.offset ?? 0 };
    gemmFloat(aOperand, bOperand, c, 0, rows, cols, k);
    // gemmFloat writes rows `cols` apart but C's rows are `n` apart, so move them, last row first.
    if (cols !== n) {
      for (let i = rows - 1; i > 0; i--) c.copyWithin(i * n, i * cols, (i + 1) * cols);
    }
    alongside?.();
  };
  return { a, b, c, ldc: n, multiply };
}

/**
 * Multiply-adds below which float32 products stay in TypeScript: copying into WebAssembly memory
 * costs more than it saves (the TypeScript GEMM makes the same choice against packing).
 */
const WASM_MIN_WORK = 16 * 16 * 16;

/**
 * Float32 C = A B written row-major at `c[cOffset...]`, whose old contents are overwritten: the
 * WebAssembly GEMM where it applies, else the TypeScript GEMM. Matrix-vector shapes (n <= 2 or
 * m = 1) stay in TypeScript, where dot products with float64 sums are already memory-bound.
 */
export function gemmFloat32(
  A: Operand,
  B: Operand,
  c: TypedArray,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): void {
  const large = n > 2 && m > 1 && m * n * k >= WASM_MIN_WORK;
  const float32 = A.data instanceof Float32Array && B.data instanceof Float32Array;
  if (large && float32 && gemmFloat32Wasm(A, B, c, cOffset, m, n, k)) return;
  // The TypeScript GEMM's packed path adds into C, so C must start at zero.
  c.fill(0, cOffset, cOffset + m * n);
  gemmFloat(A, B, c, cOffset, m, n, k);
}

/** Returns the number of elements from an operand's first element to its last, inclusive. */
function extent(rows: number, cols: number, op: Operand): number {
  return (rows - 1) * op.rs + (cols - 1) * op.cs + 1;
}

/**
 * C = A B in float32 with the WebAssembly GEMM, written row-major at `c[cOffset...]`; returns
 * false, writing nothing, when the engine has no WebAssembly GEMM or its memory cannot hold the
 * operands. A and B must be Float32Arrays with non-negative strides.
 */
export function gemmFloat32Wasm(
  A: Operand,
  B: Operand,
  c: TypedArray,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): boolean {
  const wasm = activeEngine().wasmGemm();
  if (wasm === undefined) return false;
  const aSize = extent(m, k, A);
  const bSize = extent(k, n, B);
  const views = wasm.reserve(aSize, bSize, m, n);
  if (views === undefined) return false;
  views.b.set(B.data.subarray(B.offset, B.offset + bSize));
  // The operands start their regions, so the layouts leave out the Operands' offsets.
  const aLayout = { rs: A.rs, cs: A.cs };
  const bLayout = { rs: B.rs, cs: B.cs };
  const writeA = () => views.a.set(A.data.subarray(A.offset, A.offset + aSize));
  wasm.multiply(aLayout, bLayout, m, n, k, writeA);
  copyRows(views.c, views.ldc, c, cOffset, m, n);
  return true;
}

/** Copies m rows of n elements from `source` (row stride `ld`) to row-major `target`. */
export function copyRows(
  source: TypedArray,
  ld: number,
  target: TypedArray,
  offset: number,
  m: number,
  n: number,
): void {
  if (ld === n) {
    target.set(source.subarray(0, m * n), offset);
    return;
  }
  for (let i = 0; i < m; i++) target.set(source.subarray(i * ld, i * ld + n), offset + i * n);
}
