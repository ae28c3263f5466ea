import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { runStridedMap } from '../program/strided-map';
import { broadcastStrides } from '../program/strides';
import { storageOf, type WebGPUStorage } from '../storage';

/** Copies `x` broadcast to `output.shape`. */
export function expand(context: WebGPUContext, call: KernelCall<'Expand'>): WebGPUStorage {
  const [x] = call.inputs;
  return runStridedMap(context, {
    name: 'copy',
    operands: [
      { storage: storageOf(x), strides: broadcastStrides(x.shape, call.output.shape), offset: 0 },
    ],
    output: call.output,
    expression: ([v]) => v,
  });
}
