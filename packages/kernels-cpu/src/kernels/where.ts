import type { KernelCall, TypedArray } from '@tessera/tensor';
import { activeEngine } from '../gemm-engine';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { WASM_MIN_ELEMENTS } from '../wasm/wasm-elementwise';
import { broadcastStrides, contiguousStrides, forEachRow, sizeOf } from './strides';

function select(
  c: TypedArray,
  ic: number,
  sc: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  out: TypedArray,
  io: number,
  n: number,
): void {
  for (let i = 0; i < n; i++, ic += sc, ia += sa, ib += sb) {
    out[io + i] = c[ic] !== 0 ? a[ia] : b[ib];
  }
}

/**
 * Runs a float32 select with a bool condition in WebAssembly SIMD, and returns true, when the
 * output is large enough. Every operand must have the output's size or be a single value
 * (step 0). Returns false otherwise.
 */
function selectWithWasm(
  call: KernelCall<'Where'>,
  steps: readonly [0 | 1, 0 | 1, 0 | 1],
  c: TypedArray,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
): boolean {
  const [condition, left, right] = call.inputs;
  const { size, dtype } = call.output;
  if (size < WASM_MIN_ELEMENTS || dtype !== 'float32') return false;
  if (condition.dtype !== 'bool' || left.dtype !== 'float32' || right.dtype !== 'float32') {
    return false;
  }
  const wasm = activeEngine().wasmElementwise();
  if (wasm === undefined) return false;
  const [sc, sa, sb] = steps;
  wasm.select(
    c as Uint8Array,
    sc,
    a as Float32Array,
    sa,
    b as Float32Array,
    sb,
    out as Float32Array,
    size,
  );
  return true;
}

/** Picks `a` where `condition` is true, else `b`, broadcasting all three. */
export function where(call: KernelCall<'Where'>): CpuStorage {
  const [condition, left, right] = call.inputs;
  const { shape, size } = call.output;
  const c = dataOf(condition);
  const a = dataOf(left);
  const b = dataOf(right);
  const out = allocOutputForOverwrite(call.output);
  if (size === 0) return wrap(out);
  const step = (input: { shape: readonly number[] }): 0 | 1 => (sizeOf(input.shape) === 1 ? 0 : 1);
  const sc = step(condition);
  const sa = step(left);
  const sb = step(right);
  const fits = (input: { shape: readonly number[] }, s: number): boolean =>
    s === 0 || sizeOf(input.shape) === size;
  if (fits(condition, sc) && fits(left, sa) && fits(right, sb)) {
    // Every operand is either the output's shape or a single value.
    if (selectWithWasm(call, [sc, sa, sb], c, a, b, out)) return wrap(out);
    select(c, 0, sc, a, 0, sa, b, 0, sb, out, 0, size);
    return wrap(out);
  }
  const strides = [
    broadcastStrides(condition.shape, shape),
    broadcastStrides(left.shape, shape),
    broadcastStrides(right.shape, shape),
    contiguousStrides(shape),
  ];
  forEachRow(shape, strides, [0, 0, 0, 0], (offsets, length, col) => {
    const last = col.shape.length - 1;
    const s = col.strides;
    select(
      c,
      offsets[0],
      s[0][last],
      a,
      offsets[1],
      s[1][last],
      b,
      offsets[2],
      s[2][last],
      out,
      offsets[3],
      length,
    );
  });
  return wrap(out);
}
