import type { KernelCall, TypedArray } from '@tessera/tensor';
import { activeEngine } from '../gemm-engine';
import { allocOutput, type CpuStorage, dataOf, wrap } from '../storage';
import { WASM_MIN_ELEMENTS } from '../wasm/wasm-elementwise';
import { sizeOf } from './strides';

/**
 * The first index of the extreme of `n` values of `x` from `start` in steps of `step`. NaN
 * counts as the extreme: the first NaN wins.
 */
function argmaxRow(x: TypedArray, start: number, step: number, n: number): number {
  let best = x[start];
  if (Number.isNaN(best)) return 0;
  let index = 0;
  for (let i = 1, j = start + step; i < n; i++, j += step) {
    const v = x[j];
    if (v > best) {
      best = v;
      index = i;
    } else if (Number.isNaN(v)) {
      return i;
    }
  }
  return index;
}

function argminRow(x: TypedArray, start: number, step: number, n: number): number {
  let best = x[start];
  if (Number.isNaN(best)) return 0;
  let index = 0;
  for (let i = 1, j = start + step; i < n; i++, j += step) {
    const v = x[j];
    if (v < best) {
      best = v;
      index = i;
    } else if (Number.isNaN(v)) {
      return i;
    }
  }
  return index;
}

/**
 * Row length below which argmax and argmin keep the TypeScript loop, since a shorter row never
 * reaches the 8-float vector loop and the per-row setup costs more. Measured with 256 to 4096
 * elements (Node 20.20, 2 cores of a Xeon, other work on the machine): rows of 1 to 4 floats
 * took 1.3 to 1.9 times as long in WebAssembly, rows of 8 and 16 took 0.6 to 0.8 times as long.
 */
const WASM_MIN_ROW_LENGTH = 8;

/**
 * Runs a float32 argmax or argmin over contiguous rows (an axis with nothing after it) in
 * WebAssembly SIMD, and returns true, when the input and its rows are large enough. Returns false
 * otherwise.
 */
function argReduceWithWasm(
  call: KernelCall<'ArgReduce'>,
  x: TypedArray,
  outer: number,
  length: number,
  inner: number,
  out: TypedArray,
): boolean {
  const [input] = call.inputs;
  if (inner !== 1 || input.dtype !== 'float32' || call.output.dtype !== 'int32') return false;
  if (outer * length < WASM_MIN_ELEMENTS || length < WASM_MIN_ROW_LENGTH) return false;
  const wasm = activeEngine().wasmReduce();
  if (wasm === undefined) return false;
  const op = call.attrs.op === 'argmax' ? 'max' : 'min';
  wasm.argRows(op, x as Float32Array, outer, length, out as Int32Array);
  return true;
}

/** Index (int32) of the first maximum or minimum along `axis`. */
export function argReduce(call: KernelCall<'ArgReduce'>): CpuStorage {
  const [input] = call.inputs;
  const { op, axis } = call.attrs;
  const x = dataOf(input);
  const out = allocOutput(call.output);
  const shape = input.shape;
  const outer = sizeOf(shape.slice(0, axis));
  const length = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  if (call.output.size === 0 || length === 0) return wrap(out);
  if (argReduceWithWasm(call, x, outer, length, inner, out)) return wrap(out);
  const row = op === 'argmax' ? argmaxRow : argminRow;
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let i = 0; i < inner; i++) out[o * inner + i] = row(x, base + i, inner, length);
  }
  return wrap(out);
}
