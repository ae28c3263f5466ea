import type { KernelCall } from '@tessera/tensor';
import { allocOutput, type CpuStorage, storedValue, wrap } from '../storage';

/** A new buffer with every element equal to `value` (converted as a cast would). */
export function fill(call: KernelCall<'Fill'>): CpuStorage {
  const out = allocOutput(call.output);
  const value = storedValue(call.attrs.value, call.output.dtype);
  if (value !== 0 || Object.is(value, -0)) out.fill(value);
  return wrap(out);
}
