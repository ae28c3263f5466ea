import type { KernelCall } from '@tessera/tensor';
import { allocOutputForOverwrite, type CpuStorage, storedValue, wrap } from '../storage';

/** A new buffer with every element equal to `value` (converted as a cast would). */
export function fill(call: KernelCall<'Fill'>): CpuStorage {
  const out = allocOutputForOverwrite(call.output);
  const value = storedValue(call.attrs.value, call.output.dtype);
  out.fill(value);
  return wrap(out);
}
