import type { KernelCall } from '@tessera/tensor';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { copyRange, sizeOf } from './strides';

/**
 * Picks slices along `axis`: with x viewed as [outer, length, inner] and the indices as a flat
 * list, out[o, j, :] = x[o, indices[j], :].
 */
export function gather(call: KernelCall<'Gather'>): CpuStorage {
  const [input, indexInput] = call.inputs;
  const { axis } = call.attrs;
  const x = dataOf(input);
  const indices = dataOf(indexInput);
  const out = allocOutputForOverwrite(call.output);
  if (call.output.size === 0) return wrap(out);
  const shape = input.shape;
  const outer = sizeOf(shape.slice(0, axis));
  const length = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const count = sizeOf(indexInput.shape);
  let dst = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let j = 0; j < count; j++) {
      copyRange(x, base + indices[j] * inner, out, dst, inner);
      dst += inner;
    }
  }
  return wrap(out);
}
