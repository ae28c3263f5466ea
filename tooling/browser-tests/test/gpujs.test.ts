import { createCpuBackend } from '@tessera/kernels-cpu';
import { createGpuJsBackend, type GpuJsBackend } from '@tessera/kernels-gpujs';
import { registerBackend, removeBackend } from '@tessera/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { describeOpsMatchCpu } from './ops';
import { browserRequired, firstLine } from './setup';

function startGpuJs(): { backend: GpuJsBackend | null; skipReason: string } {
  try {
    return { backend: createGpuJsBackend({ mode: 'webgl2' }), skipReason: '' };
  } catch (error) {
    if (browserRequired()) throw error;
    const reason = firstLine(error);
    console.warn(`gpu.js browser tests skipped: ${reason}`);
    return { backend: null, skipReason: reason };
  }
}

const { backend, skipReason } = startGpuJs();

if (backend === null) {
  test.skip(`gpu.js webgl2 in the browser (skipped: ${skipReason})`, () => undefined);
} else {
  const started = backend;
  registerBackend('cpu', () => createCpuBackend());
  registerBackend('gpujs', () => started);
  afterAll(async () => {
    await removeBackend('gpujs');
    await removeBackend('cpu');
  });

  describe('gpu.js backend in the page', () => {
    test('runs in webgl2 mode', () => {
      expect(started.info().mode).toBe('webgl2');
    });
  });

  describeOpsMatchCpu('gpujs');
}
