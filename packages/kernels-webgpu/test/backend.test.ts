import {
  add,
  BackendError,
  DTypeError,
  exp,
  matmul,
  memory,
  setBackend,
  sum,
  tensor,
  tidy,
  ValueError,
  zeros,
} from '@tessera/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { createWebGPUBackend } from '../src';
import { seededValues, startWebGPU } from './harness';

const harness = await startWebGPU();
afterAll(() => harness.stop());

describe('createWebGPUBackend without a device', () => {
  test('explains what to install when no adapter is found', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    const error = await createWebGPUBackend({ gpu }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(String(error)).toMatch(/no WebGPU adapter is available/);
    expect(String(error)).toMatch(/`webgpu` package/);
    expect(String(error)).toMatch(/SwiftShader/);
  });

  test('reports a failed adapter request', async () => {
    const gpu = {
      requestAdapter: async () => {
        throw new Error('driver crashed');
      },
    } as unknown as GPU;
    await expect(createWebGPUBackend({ gpu })).rejects.toThrow(
      /requestAdapter failed: driver crashed/,
    );
  });

  test('reports a missing navigator.gpu', async () => {
    await expect(createWebGPUBackend()).rejects.toThrow(/navigator\.gpu is undefined/);
  });

  test('rejects an invalid maxBindingBytes', async () => {
    await expect(createWebGPUBackend({ maxBindingBytes: 10 })).rejects.toBeInstanceOf(ValueError);
  });
});

describe.skipIf(harness.backend === null)('WebGPUBackend', () => {
  test('describes its adapter and limits', () => {
    const info = harness.backend!.info();
    expect(typeof info.adapter.description).toBe('string');
    expect(info.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(info.limits.minStorageBufferOffsetAlignment).toBeLessThanOrEqual(256);
  });

  test('supports float32, int32 and bool but not float64', () => {
    const backend = harness.backend!;
    expect(backend.supportsDtype('float32')).toBe(true);
    expect(backend.supportsDtype('int32')).toBe(true);
    expect(backend.supportsDtype('bool')).toBe(true);
    expect(backend.supportsDtype('float64')).toBe(false);
    expect(() => tensor([1, 2], [2], 'float64')).toThrow(DTypeError);
  });

  test('reads each dtype back as its typed array', async () => {
    const f = tensor([1.5, -2]);
    const i = tensor([7, -8], [2], 'int32');
    const b = tensor([true, false, true]);
    expect(await f.data()).toEqual(new Float32Array([1.5, -2]));
    expect(await i.data()).toEqual(new Int32Array([7, -8]));
    expect(await b.data()).toEqual(new Uint8Array([1, 0, 1]));
    expect('readSync' in harness.backend!).toBe(false);
    for (const t of [f, i, b]) t.dispose();
  });

  test('memory counts live buffers exactly', () => {
    const before = memory();
    const a = zeros([2, 3]);
    const after = memory();
    expect(after.buffers).toBe(before.buffers + 1);
    expect(after.bytes).toBeGreaterThanOrEqual(before.bytes + 24);
    a.dispose();
    expect(memory()).toEqual(before);
  });

  test('buffers return to the pool after tidy and are reused', async () => {
    const x = tensor(seededValues(4096, 1), [64, 64]);
    // Each step reads its result, as a training step reads its loss. The read submits the work,
    // and after that every freed buffer can be reused, even for host writes such as the scalar 1.
    const step = async (): Promise<void> => {
      const y = tidy(() => sum(exp(add(matmul(x, x), 1)), 1));
      await y.data();
      y.dispose();
    };
    const before = memory();
    await step();
    expect(memory()).toEqual(before);
    const pooled = harness.backend!.pooled();
    expect(pooled.buffers).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) await step();
    expect(memory()).toEqual(before);
    expect(harness.backend!.pooled()).toEqual(pooled);
    x.dispose();
  });

  test('host write spares unsubmitted buffers', async () => {
    // The disposed input goes back to the pool while its kernel is still unsubmitted. The next
    // write must take another buffer, because queue writes run before unsubmitted commands.
    for (let i = 0; i < 20; i++) {
      const a = tensor([i, i, i, i]);
      const b = add(a, 1);
      a.dispose();
      const c = tensor([100, 100, 100, 100]);
      expect(Array.from(await b.data())).toEqual([i + 1, i + 1, i + 1, i + 1]);
      b.dispose();
      c.dispose();
    }
  });

  test('device errors surface at the next read', async () => {
    const { device } = harness.backend!;
    // An invalid usage combination is a validation error, reported asynchronously.
    device.createBuffer({ size: 16, usage: 0x0001 | 0x0080 });
    const x = tensor([1, 2]);
    await expect(x.data()).rejects.toThrow(/device reported an error/);
    expect(Array.from(await x.data())).toEqual([1, 2]);
    x.dispose();
  });
});

describe.skipIf(harness.backend === null)('device loss and destroy', () => {
  test('a lost device makes later calls throw instead of hanging', async () => {
    const lost = await startWebGPU({}, 'webgpu-lost');
    try {
      const x = tensor([1, 2, 3]);
      const pending = add(x, 1).data();
      // Destroying the device while SwiftShader still runs the kernel can crash its threads, so
      // the queue is drained first. The read may then finish or fail, but must not hang.
      await lost.backend!.device.queue.onSubmittedWorkDone();
      lost.backend!.device.destroy();
      const outcome = await pending.then(
        () => 'read',
        (error: unknown) => error,
      );
      if (outcome !== 'read') expect(outcome).toBeInstanceOf(BackendError);
      await lost.backend!.device.lost;
      expect(() => add(x, 1)).toThrow(/the GPU device was lost \(destroyed/);
      expect(() => tensor([1])).toThrow(/create a new backend/);
      await expect(x.data()).rejects.toBeInstanceOf(BackendError);
    } finally {
      await lost.stop();
    }
  });

  test('destroy leaves a device it was given usable', async () => {
    const backend = await createWebGPUBackend({ device: harness.backend!.device });
    const before = backend.memory();
    const storage = backend.write(new Float32Array([1, 2]), 'float32');
    expect(backend.memory().buffers).toBe(before.buffers + 1);
    await backend.destroy();
    expect(() => backend.write(new Float32Array([1]), 'float32')).toThrow(
      /after the backend was destroyed/,
    );
    expect(storage).toBeDefined();
    await setBackend('webgpu');
    expect(Array.from(await tensor([5, 6]).data())).toEqual([5, 6]);
  });
});
