import type { KernelCall } from '@tessera/tensor';
import { allocOutput, type CpuStorage, dataOf, wrap } from '../storage';
import { sizeOf } from './strides';

/**
 * The adjoint of Gather: zeros of `output.shape` ([outer, length, inner]) with
 * out[o, indices[j], :] += updates[o, j, :]. Repeated indices accumulate; int32 wraps and bool
 * accumulates as logical or.
 */
export function scatterAdd(call: KernelCall<'ScatterAdd'>): CpuStorage {
  const [updateInput, indexInput] = call.inputs;
  const { axis } = call.attrs;
  const { shape, dtype } = call.output;
  const updates = dataOf(updateInput);
  const indices = dataOf(indexInput);
  const out = allocOutput(call.output);
  const outer = sizeOf(shape.slice(0, axis));
  const length = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const count = sizeOf(indexInput.shape);
  if (call.output.size === 0 || count === 0 || inner === 0) return wrap(out);
  let src = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let j = 0; j < count; j++) {
      const dst = base + indices[j] * inner;
      if (dtype === 'int32') {
        for (let i = 0; i < inner; i++) out[dst + i] = (out[dst + i] + updates[src + i]) | 0;
      } else if (dtype === 'bool') {
        for (let i = 0; i < inner; i++)
          out[dst + i] = out[dst + i] | (updates[src + i] !== 0 ? 1 : 0);
      } else {
        for (let i = 0; i < inner; i++) out[dst + i] += updates[src + i];
      }
      src += inner;
    }
  }
  return wrap(out);
}
