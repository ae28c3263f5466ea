import type { KernelCall } from '@tessera/tensor';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';

/**
 * Converts to `output.dtype`. Typed-array stores do most of the work: a Float32Array store
 * rounds to float32, an Int32Array store truncates toward zero (NaN and infinities give 0).
 * Bool is 1 for every nonzero value, NaN included.
 */
export function cast(call: KernelCall<'Cast'>): CpuStorage {
  const x = dataOf(call.inputs[0]);
  const out = allocOutputForOverwrite(call.output);
  const n = call.output.size;
  if (call.output.dtype === 'bool') {
    for (let i = 0; i < n; i++) out[i] = x[i] !== 0 ? 1 : 0;
  } else if (n > 0) {
    out.set(x.length === n ? x : x.subarray(0, n));
  }
  return wrap(out);
}
