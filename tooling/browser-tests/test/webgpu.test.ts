import { backward } from '@tessera/autograd';
import { createCpuBackend } from '@tessera/kernels-cpu';
import { createWebGPUBackend, type WebGPUBackend } from '@tessera/kernels-webgpu';
import { Linear, mse, ReLU, Sequential } from '@tessera/nn';
import { Adam } from '@tessera/optim';
import { memory, registerBackend, removeBackend, setBackend, tensor, tidy } from '@tessera/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { describeOpsMatchCpu, seededValues } from './ops';
import { browserRequired, firstLine } from './setup';

async function startWebGPU(): Promise<{ backend: WebGPUBackend | null; skipReason: string }> {
  try {
    return { backend: await createWebGPUBackend(), skipReason: '' };
  } catch (error) {
    if (browserRequired()) throw error;
    const reason = firstLine(error);
    console.warn(`webgpu browser tests skipped: ${reason}`);
    return { backend: null, skipReason: reason };
  }
}

const { backend, skipReason } = await startWebGPU();

if (backend === null) {
  test.skip(`webgpu in the browser (skipped: ${skipReason})`, () => undefined);
} else {
  const started = backend;
  registerBackend('cpu', () => createCpuBackend());
  registerBackend('webgpu', () => started);
  // removeBackend calls the backend's destroy(), which frees its buffers and its device.
  afterAll(async () => {
    await removeBackend('webgpu');
    await removeBackend('cpu');
  });

  describe('webgpu backend in the page', () => {
    test('runs on navigator.gpu', () => {
      expect(navigator.gpu).toBeDefined();
      const info = started.info();
      expect(info.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
      console.log(`webgpu adapter: ${info.adapter.description || info.adapter.vendor}`);
    });
  });

  describeOpsMatchCpu('webgpu');

  describe('webgpu training', () => {
    test('MLP loss falls, memory flat', async () => {
      await setBackend('webgpu');
      const samples = 32;
      const inputs = seededValues(samples * 4, 31);
      // The target is a fixed smooth function of the inputs, so a 4-16-1 MLP can fit it.
      const targets = new Float32Array(samples);
      for (let i = 0; i < samples; i++) {
        const row = inputs.subarray(i * 4, i * 4 + 4);
        targets[i] = Math.sin(row[0] + row[1]) - 0.5 * row[2] * row[3];
      }
      const x = tensor(inputs, [samples, 4], 'float32');
      const y = tensor(targets, [samples, 1], 'float32');
      const model = new Sequential(
        new Linear(4, 16, { seed: 1 }),
        new ReLU(),
        new Linear(16, 1, { seed: 2 }),
      );
      const optimizer = new Adam(model.parameters(), { lr: 0.02 });

      const losses: number[] = [];
      const bytesPerStep: number[] = [];
      const buffersPerStep: number[] = [];
      for (let step = 0; step < 50; step++) {
        const loss = tidy(() => {
          optimizer.zeroGrad();
          const stepLoss = mse(model.forward(x), y);
          backward(stepLoss);
          optimizer.step();
          return stepLoss;
        });
        losses.push(await loss.item());
        loss.dispose();
        const usage = memory();
        bytesPerStep.push(usage.bytes);
        buffersPerStep.push(usage.buffers);
      }

      expect(losses.every(Number.isFinite), `losses: ${losses.join(', ')}`).toBe(true);
      expect(losses[49], `losses: ${losses.join(', ')}`).toBeLessThan(losses[0] * 0.5);
      // Adam creates its moment buffers in the first step, so later steps must allocate no more.
      expect(new Set(bytesPerStep.slice(1)), `bytes: ${bytesPerStep.join(', ')}`).toEqual(
        new Set([bytesPerStep[0]]),
      );
      expect(new Set(buffersPerStep.slice(1)), `buffers: ${buffersPerStep.join(', ')}`).toEqual(
        new Set([buffersPerStep[0]]),
      );

      optimizer.zeroGrad();
      for (const parameter of model.parameters()) parameter.dispose();
      x.dispose();
      y.dispose();
    });
  });
}
