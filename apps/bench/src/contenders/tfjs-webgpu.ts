import * as tf from '@tensorflow/tfjs-core';
import type { Contender } from '../contender';
import { packageVersion } from '../versions';
import { TFJS_WORKLOADS, tfjsLiveTensors } from './tfjs-workloads';
import { createNodeGpu } from './webgpu-node';

let adapterName = 'no adapter yet';

/** TensorFlow.js's WebGPU backend on Dawn's default adapter (SwiftShader on a GPU-less machine). */
export const tfjsWebgpu: Contender = {
  name: 'tfjs-webgpu',
  describe: () =>
    `@tensorflow/tfjs-backend-webgpu ${packageVersion('@tensorflow/tfjs-backend-webgpu')} on ${adapterName}`,
  async setup() {
    const node = await createNodeGpu();
    adapterName = node.adapterName;
    // Node 21 and later define a getter-only `navigator`, so redefine it rather than assign.
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: node.gpu },
      configurable: true,
      writable: true,
    });
    // The backend registers itself only if navigator.gpu exists when it is first imported.
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu')))
      throw new Error(
        "tfjs: setBackend('webgpu') failed; the error that tfjs logged above gives the cause",
      );
  },
  workloads: TFJS_WORKLOADS,
  unsupportedReason: () => '',
  liveTensors: tfjsLiveTensors,
  async teardown() {
    tf.removeBackend('webgpu');
  },
};
