import * as tf from '@tensorflow/tfjs-core';
import type { Contender } from '../contender';
import { packageVersion } from '../versions';
import { TFJS_WORKLOADS, tfjsLiveTensors } from './tfjs-workloads';

/** TensorFlow.js's plain JavaScript backend, one thread. */
export const tfjsCpu: Contender = {
  name: 'tfjs-cpu',
  describe: () =>
    `@tensorflow/tfjs-backend-cpu ${packageVersion('@tensorflow/tfjs-backend-cpu')}, one thread`,
  async setup() {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu')))
      throw new Error(
        "tfjs: setBackend('cpu') failed; the error that tfjs logged above gives the cause",
      );
  },
  workloads: TFJS_WORKLOADS,
  unsupportedReason: () => '',
  liveTensors: tfjsLiveTensors,
  async teardown() {
    tf.removeBackend('cpu');
  },
};
