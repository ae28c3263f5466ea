import { describeConformance } from '@tessera/conformance';
import { setBackend } from '@tessera/tensor';
import { test } from 'vitest';
import { startWebGPU } from './harness';

const harness = await startWebGPU();

if (harness.backend === null) {
  test.skip(`conformance on webgpu (skipped: ${harness.skipReason})`, () => undefined);
} else {
  describeConformance({
    backendName: 'webgpu',
    setup: async () => {
      await setBackend('webgpu');
    },
    teardown: () => harness.stop(),
    dtypes: ['float32', 'int32', 'bool'],
    knownGaps: {},
  });
}
