import { createWebGPUBackend } from '@tessera/kernels-webgpu';
import { registerBackend, removeBackend, setBackend } from '@tessera/tensor';
import type { Contender } from '../contender';
import { packageVersion } from '../versions';
import {
  type TesseraWorkloads,
  tesseraLiveBuffers,
  tesseraWorkloadsOnActiveBackend,
} from './tessera-workloads';
import { createNodeGpu } from './webgpu-node';

let adapterName = 'no adapter yet';

let available: TesseraWorkloads = { workloads: {}, unsupported: {} };

/** Tessera's WGSL kernels on Dawn's default adapter (SwiftShader on a GPU-less machine). */
export const tesseraWebgpu: Contender = {
  name: 'tessera-webgpu',
  describe: () =>
    `@tessera/kernels-webgpu ${packageVersion('@tessera/kernels-webgpu')} on ${adapterName}`,
  async setup() {
    const { gpu, adapterName: name } = await createNodeGpu();
    adapterName = name;
    registerBackend('webgpu', () => createWebGPUBackend({ gpu }));
    await setBackend('webgpu');
    available = tesseraWorkloadsOnActiveBackend();
  },
  get workloads() {
    return available.workloads;
  },
  unsupportedReason: (kind) => available.unsupported[kind] ?? '',
  liveTensors: tesseraLiveBuffers,
  teardown: () => removeBackend('webgpu'),
};
