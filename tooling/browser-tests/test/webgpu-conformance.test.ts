import { describeConformance } from '@tessera/conformance';
import { createWebGPUBackend } from '@tessera/kernels-webgpu';
import { registerBackend, removeBackend, setBackend } from '@tessera/tensor';
import { test } from 'vitest';
import { browserRequired, firstLine } from './setup';

/** Why the page has no WebGPU device, or null when it has one. */
async function probeWebGPU(): Promise<string | null> {
  try {
    const backend = await createWebGPUBackend();
    await backend.destroy();
    return null;
  } catch (error) {
    if (browserRequired()) throw error;
    return firstLine(error);
  }
}

const unavailable = await probeWebGPU();

if (unavailable === null) {
  describeConformance({
    backendName: 'webgpu (browser)',
    setup: async () => {
      registerBackend('webgpu-conformance', () => createWebGPUBackend());
      await setBackend('webgpu-conformance');
    },
    teardown: () => removeBackend('webgpu-conformance'),
    dtypes: ['float32', 'int32', 'bool'],
    knownGaps: {},
  });
} else {
  test.skip(`webgpu conformance in the browser (skipped: ${unavailable})`, () => undefined);
}
