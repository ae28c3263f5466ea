import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { CONVERT_SNIPPETS, isNonzero } from '../program/convert';
import { runStridedMap } from '../program/strided-map';
import { broadcastStrides } from '../program/strides';
import { storageOf, type WebGPUStorage } from '../storage';

/** Picks `a` where `condition` is true, else `b`, broadcasting all three. */
export function where(context: WebGPUContext, call: KernelCall<'Where'>): WebGPUStorage {
  const [condition, a, b] = call.inputs;
  const { shape } = call.output;
  return runStridedMap(context, {
    name: `where:${condition.dtype}`,
    operands: [condition, a, b].map((input) => ({
      storage: storageOf(input),
      strides: broadcastStrides(input.shape, shape),
      offset: 0,
    })),
    output: call.output,
    expression: ([c, x, y]) => `select(${y}, ${x}, ${isNonzero(c, condition.dtype)})`,
    snippets: CONVERT_SNIPPETS,
  });
}
