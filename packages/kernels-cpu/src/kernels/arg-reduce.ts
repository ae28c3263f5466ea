import type { KernelCall, TypedArray } from '@tessera/tensor';
import { allocOutput, type CpuStorage, dataOf, wrap } from '../storage';
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
  const row = op === 'argmax' ? argmaxRow : argminRow;
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let i = 0; i < inner; i++) out[o * inner + i] = row(x, base + i, inner, length);
  }
  return wrap(out);
}
