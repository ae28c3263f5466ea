import type { KernelCall } from '@tessera/tensor';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { broadcastStrides, contiguousStrides, sizeOf, stridedCopy } from './strides';

/** Copies `x` broadcast to `output.shape`. */
export function expand(call: KernelCall<'Expand'>): CpuStorage {
  const [input] = call.inputs;
  const { shape } = call.output;
  const out = allocOutputForOverwrite(call.output);
  const x = dataOf(input);
  if (sizeOf(input.shape) === 1) {
    out.fill(x[0]);
  } else {
    stridedCopy(
      x,
      0,
      broadcastStrides(input.shape, shape),
      out,
      0,
      contiguousStrides(shape),
      shape,
    );
  }
  return wrap(out);
}
