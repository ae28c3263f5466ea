import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { runSoftmax } from '../program/softmax-rows';
import type { WebGPUStorage } from '../storage';

/** Computes log-softmax along `axis` as x - shift - log(sum(exp(x - shift))) in one dispatch. */
export function logSoftmax(context: WebGPUContext, call: KernelCall<'LogSoftmax'>): WebGPUStorage {
  return runSoftmax(context, call, true);
}
