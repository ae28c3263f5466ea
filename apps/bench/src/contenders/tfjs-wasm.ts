import * as tf from '@tensorflow/tfjs-core';
import type { Contender, WorkloadBuilders } from '../contender';
import { packageVersion } from '../versions';
import { TFJS_WORKLOADS, tfjsLiveTensors } from './tfjs-workloads';

/**
 * TensorFlow.js's WebAssembly backend. In Node it runs with SIMD and without threads
 * (4.22.0 reports WASM_HAS_MULTITHREAD_SUPPORT false there), so it uses one core.
 */
export const tfjsWasm: Contender = {
  name: 'tfjs-wasm',
  describe: () => {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
    const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : 'one thread';
    return `@tensorflow/tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm')}, ${simd}, ${threads}`;
  },
  async setup() {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm')))
      throw new Error(
        "tfjs: setBackend('wasm') failed; the error that tfjs logged above gives the cause",
      );
  },
  // Every workload but the CNN training step, whose backward kernels this backend lacks.
  workloads: Object.fromEntries(
    Object.entries(TFJS_WORKLOADS).filter(([kind]) => kind !== 'cnn'),
  ) as WorkloadBuilders,
  unsupportedReason: (kind) =>
    kind === 'cnn'
      ? "tfjs-backend-wasm 4.22.0 has no 'Conv2DBackpropFilter' kernel, so it cannot train a CNN"
      : '',
  liveTensors: tfjsLiveTensors,
  async teardown() {
    tf.removeBackend('wasm');
  },
};
