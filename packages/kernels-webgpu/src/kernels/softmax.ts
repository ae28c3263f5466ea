import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { runSoftmax } from '../program/softmax-rows';
import type { WebGPUStorage } from '../storage';

/** Computes softmax along `axis` as exp(x - max) / sum(exp(x - max)) in one dispatch. */
export function softmax(context: WebGPUContext, call: KernelCall<'Softmax'>): WebGPUStorage {
  return runSoftmax(context, call, false);
}
