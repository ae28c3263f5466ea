import type { KernelCall } from '@tessera/tensor';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { contiguousStrides, stridedCopy } from './strides';

/** The box of `output.shape` starting at `begin`. */
export function slice(call: KernelCall<'Slice'>): CpuStorage {
  const [input] = call.inputs;
  const { begin } = call.attrs;
  const { shape } = call.output;
  const x = dataOf(input);
  const out = allocOutputForOverwrite(call.output);
  const inStrides = contiguousStrides(input.shape);
  let start = 0;
  for (let i = 0; i < begin.length; i++) start += begin[i] * inStrides[i];
  stridedCopy(x, start, inStrides, out, 0, contiguousStrides(shape), shape);
  return wrap(out);
}
