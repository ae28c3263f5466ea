import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { runStridedMap } from '../program/strided-map';
import { contiguousStrides } from '../program/strides';
import { storageOf, type WebGPUStorage } from '../storage';

/** Copies the box of `output.shape` starting at `begin`, as a strided read of the input. */
export function slice(context: WebGPUContext, call: KernelCall<'Slice'>): WebGPUStorage {
  const [x] = call.inputs;
  const strides = contiguousStrides(x.shape);
  const offset = call.attrs.begin.reduce((sum, b, i) => sum + b * strides[i], 0);
  return runStridedMap(context, {
    name: 'copy',
    operands: [{ storage: storageOf(x), strides, offset }],
    output: call.output,
    expression: ([v]) => v,
  });
}
