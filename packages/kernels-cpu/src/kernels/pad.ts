import type { KernelCall } from '@tessera/tensor';
import { allocOutputForOverwrite, type CpuStorage, dataOf, storedValue, wrap } from '../storage';
import { contiguousStrides, stridedCopy } from './strides';

/** Fills the output with `value`, then copies `x` into the box after the leading paddings. */
export function pad(call: KernelCall<'Pad'>): CpuStorage {
  const [input] = call.inputs;
  const { paddings, value } = call.attrs;
  const { shape, dtype } = call.output;
  const x = dataOf(input);
  const out = allocOutputForOverwrite(call.output);
  const fillValue = storedValue(value, dtype);
  out.fill(fillValue);
  const outStrides = contiguousStrides(shape);
  let start = 0;
  for (let i = 0; i < paddings.length; i++) start += paddings[i][0] * outStrides[i];
  stridedCopy(x, 0, contiguousStrides(input.shape), out, start, outStrides, input.shape);
  return wrap(out);
}
