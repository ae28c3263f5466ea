import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { CONVERT_SNIPPETS, convertValue } from '../program/convert';
import { runStridedMap } from '../program/strided-map';
import { contiguousStrides } from '../program/strides';
import { storageOf, type WebGPUStorage } from '../storage';

/**
 * Converts to `output.dtype`. Float to int32 truncates toward zero and wraps as an Int32Array
 * store does, with NaN and infinities giving 0. Any nonzero value, NaN included, becomes true.
 */
export function cast(context: WebGPUContext, call: KernelCall<'Cast'>): WebGPUStorage {
  const [x] = call.inputs;
  return runStridedMap(context, {
    name: `cast:${x.dtype}>${call.output.dtype}`,
    operands: [{ storage: storageOf(x), strides: contiguousStrides(x.shape), offset: 0 }],
    output: call.output,
    expression: ([v]) => convertValue(v, x.dtype, call.output.dtype),
    snippets: CONVERT_SNIPPETS,
  });
}
