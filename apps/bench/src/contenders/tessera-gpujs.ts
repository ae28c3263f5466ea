import { createGpuJsBackend, type GpuJsBackend } from '@tessera/kernels-gpujs';
import { registerBackend, removeBackend, setBackend } from '@tessera/tensor';
import type { Contender } from '../contender';
import { packageVersion } from '../versions';
import {
  type TesseraWorkloads,
  tesseraLiveBuffers,
  tesseraWorkloadsOnActiveBackend,
} from './tessera-workloads';

let backend: GpuJsBackend | undefined;
let available: TesseraWorkloads = { workloads: {}, unsupported: {} };

/**
 * Tessera's gpu.js kernels in the mode gpu.js picks: WebGL through headless-gl where the gl
 * addon built and a display exists (run the bench under `xvfb-run -a`), else gpu.js's CPU mode.
 */
export const tesseraGpujs: Contender = {
  name: 'tessera-gpujs',
  describe: () => {
    const version = `@tessera/kernels-gpujs ${packageVersion('@tessera/kernels-gpujs')}`;
    return backend === undefined ? version : `${version}, mode ${backend.info().mode}`;
  },
  async setup() {
    registerBackend('gpujs', () => {
      backend = createGpuJsBackend();
      return backend;
    });
    await setBackend('gpujs');
    available = tesseraWorkloadsOnActiveBackend();
  },
  get workloads() {
    return available.workloads;
  },
  unsupportedReason: (kind) => available.unsupported[kind] ?? '',
  liveTensors: tesseraLiveBuffers,
  teardown: () => removeBackend('gpujs'),
};
