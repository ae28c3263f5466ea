import type { KernelCall, TypedArray } from '@tessera/tensor';
import { activeEngine } from '../gemm-engine';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { WASM_MIN_ELEMENTS } from '../wasm/wasm-elementwise';
import { sizeOf } from './strides';

/**
 * Softmax or log-softmax of one row of `n` values (from `start`, step `step`), in float64.
 *
 * Softmax: e = exp(x - max), out = e / sum(e). A row of all -Infinity gives NaN (the shift
 * is -Infinity - -Infinity) and a +Infinity entry makes the row NaN, as in PyTorch and the
 * composite form.
 *
 * Log-softmax: x - shift - log(sum(exp(x - shift))) with shift the row maximum, or 0 where the
 * maximum is not finite, exactly as the composite x - logsumexp(x) does it.
 */
function softmaxRow(
  x: TypedArray,
  out: TypedArray,
  start: number,
  step: number,
  n: number,
  scratch: Float64Array,
  log: boolean,
): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0, j = start; i < n; i++, j += step) {
    const v = x[j];
    if (v > max || Number.isNaN(v)) max = v;
  }
  if (log) {
    const shift = Number.isFinite(max) ? max : 0;
    let sum = 0;
    for (let i = 0, j = start; i < n; i++, j += step) sum += Math.exp(x[j] - shift);
    const total = shift + Math.log(sum);
    for (let i = 0, j = start; i < n; i++, j += step) out[j] = x[j] - total;
    return;
  }
  let sum = 0;
  for (let i = 0, j = start; i < n; i++, j += step) {
    const e = Math.exp(x[j] - max);
    scratch[i] = e;
    sum += e;
  }
  for (let i = 0, j = start; i < n; i++, j += step) out[j] = scratch[i] / sum;
}

function run(call: KernelCall<'Softmax'> | KernelCall<'LogSoftmax'>, log: boolean): CpuStorage {
  const [input] = call.inputs;
  const { axis } = call.attrs;
  const x = dataOf(input);
  const out = allocOutputForOverwrite(call.output);
  const shape = input.shape;
  if (call.output.size === 0) return wrap(out);
  // A rank-0 tensor is a single row of one element.
  const outer = sizeOf(shape.slice(0, axis));
  const n = shape.length === 0 ? 1 : shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  if (
    inner === 1 &&
    call.output.size >= WASM_MIN_ELEMENTS &&
    input.dtype === 'float32' &&
    call.output.dtype === 'float32'
  ) {
    const wasm = activeEngine().wasmReduce();
    if (wasm !== undefined) {
      wasm.softmaxRows(x as Float32Array, outer, n, out as Float32Array, log);
      return wrap(out);
    }
  }
  const scratch = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < inner; i++) softmaxRow(x, out, base + i, inner, n, scratch, log);
  }
  return wrap(out);
}

/** Softmax along `axis`, shifted by the row maximum. */
export function softmax(call: KernelCall<'Softmax'>): CpuStorage {
  return run(call, false);
}

/** Log-softmax along `axis` in the stable form. */
export function logSoftmax(call: KernelCall<'LogSoftmax'>): CpuStorage {
  return run(call, true);
}
