import type { KernelCall } from '@tessera/tensor';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { copyRange, sizeOf } from './strides';

/** Joins the inputs along `axis`: each outer slice is the inputs' blocks one after another. */
export function concat(call: KernelCall<'Concat'>): CpuStorage {
  const { axis } = call.attrs;
  const { shape } = call.output;
  const out = allocOutputForOverwrite(call.output);
  if (call.output.size === 0) return wrap(out);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const outBlock = shape[axis] * inner;
  let offset = 0;
  for (const input of call.inputs) {
    const x = dataOf(input);
    const block = input.shape[axis] * inner;
    if (block > 0) {
      for (let o = 0; o < outer; o++) copyRange(x, o * block, out, o * outBlock + offset, block);
    }
    offset += block;
  }
  return wrap(out);
}
