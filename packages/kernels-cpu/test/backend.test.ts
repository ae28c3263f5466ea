import {
  add,
  FUSED_KERNEL_NAMES,
  getBackend,
  matmul,
  memory,
  PRIMITIVE_KERNEL_NAMES,
  softmax,
  sum,
  tensor,
  tidy,
  zeros,
} from '@tessera/tensor';
import { beforeAll, describe, expect, test } from 'vitest';
import { cpuKernels, createCpuBackend } from '../src';
import { expectNoLeak, useCpu } from './helpers';

beforeAll(useCpu);

describe('CpuBackend', () => {
  test('implements every primitive and both fused kernels', () => {
    for (const name of [...PRIMITIVE_KERNEL_NAMES, ...FUSED_KERNEL_NAMES]) {
      expect(typeof cpuKernels[name]).toBe('function');
      expect(typeof getBackend().kernels[name]).toBe('function');
    }
    expect(getBackend().name).toBe('cpu');
    expect(createCpuBackend({ name: 'cpu2' }).name).toBe('cpu2');
  });

  test.each([
    // The TypeScript GEMM's row loop, its packed path (which adds into C), the WebAssembly GEMM.
    [false, 3, 5, 2],
    [false, 24, 17, 20],
    [true, 24, 17, 20],
  ])('float32 MatMul over a dirty pooled output (wasm=%s, %i x %i x %i)', (wasm, m, n, k) => {
    const backend = createCpuBackend({ wasm });
    const a = backend.write(new Float32Array(m * k).fill(1), 'float32');
    const b = backend.write(new Float32Array(k * n).fill(2), 'float32');
    // A freed array of the output's length full of NaN, which the pool hands to MatMul.
    backend.dispose(backend.write(new Float32Array(m * n).fill(Number.NaN), 'float32'));
    const c = backend.kernels.MatMul({
      inputs: [
        { storage: a, shape: [m, k], dtype: 'float32' },
        { storage: b, shape: [k, n], dtype: 'float32' },
      ],
      attrs: { transposeA: false, transposeB: false },
      output: { shape: [m, n], dtype: 'float32', size: m * n },
    });
    expect(backend.pooled().hits).toBe(1);
    expect(Array.from(backend.readSync(c, 'float32', m * n))).toEqual(new Array(m * n).fill(2 * k));
    backend.destroy();
  });

  test('supports float32, int32, bool and float64', () => {
    const backend = createCpuBackend();
    for (const dtype of ['float32', 'int32', 'bool', 'float64'] as const) {
      expect(backend.supportsDtype(dtype)).toBe(true);
    }
  });

  test('write copies and reads return copies', async () => {
    const source = new Float32Array([1, 2, 3]);
    const t = tensor(source);
    source[0] = 100;
    const read = t.dataSync();
    expect(Array.from(read)).toEqual([1, 2, 3]);
    read[1] = 100;
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
    const asyncRead = await t.data();
    asyncRead[2] = 100;
    expect(Array.from(await t.data())).toEqual([1, 2, 3]);
    expect(read).toBeInstanceOf(Float32Array);
    expect(tensor([true, false]).dataSync()).toBeInstanceOf(Uint8Array);
    expect(tensor([1], [1], 'int32').dataSync()).toBeInstanceOf(Int32Array);
    expect(tensor([1], [1], 'float64').dataSync()).toBeInstanceOf(Float64Array);
    t.dispose();
  });

  test('memory counts bytes and buffers exactly', () => {
    const before = memory();
    const f32 = zeros([2, 3]);
    expect(memory()).toEqual({ bytes: before.bytes + 24, buffers: before.buffers + 1 });
    const f64 = zeros([2, 3], 'float64');
    const i32 = zeros([5], 'int32');
    const bool = zeros([7], 'bool');
    expect(memory()).toEqual({
      bytes: before.bytes + 24 + 48 + 20 + 7,
      buffers: before.buffers + 4,
    });
    // Reshape shares storage: no new buffer, and disposing one view keeps the buffer.
    const view = f32.reshape([6]);
    expect(memory().buffers).toBe(before.buffers + 4);
    f32.dispose();
    expect(memory().buffers).toBe(before.buffers + 4);
    view.dispose();
    view.dispose();
    for (const t of [f64, i32, bool]) t.dispose();
    expect(memory()).toEqual(before);
  });

  test('empty tensors count as buffers of 0 bytes', () => {
    const before = memory();
    const e = zeros([0, 4]);
    expect(memory()).toEqual({ bytes: before.bytes, buffers: before.buffers + 1 });
    e.dispose();
    expect(memory()).toEqual(before);
  });

  test('ops inside tidy leave no buffers behind', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectNoLeak(() => {
      tidy(() => {
        const y = add(x, 1).mul(2);
        const z = matmul(y, y, { transposeB: true });
        softmax(z).logSoftmax(0);
        sum(z, 1).argmax();
        z.T.slice([0, 0], [1, 2]).cast('int32').equal(3);
        x.mean(0).logsumexp();
        x.gather(tensor([1, 0], [2], 'int32'));
      });
    });
    const before = memory();
    const kept = tidy(() => add(x, 1).exp());
    expect(memory().buffers).toBe(before.buffers + 1);
    kept.dispose();
    expect(memory()).toEqual(before);
    x.dispose();
  });

  test('destroy forgets the buffers', () => {
    const backend = createCpuBackend();
    backend.write(new Float32Array(4), 'float32');
    expect(backend.memory()).toEqual({ bytes: 16, buffers: 1 });
    backend.destroy();
    expect(backend.memory()).toEqual({ bytes: 0, buffers: 0 });
  });

  test('a storage is freed once; foreign storages are ignored', () => {
    const backend = createCpuBackend();
    const s = backend.write(new Int32Array([1, 2]), 'int32');
    const out = backend.kernels.Unary({
      inputs: [{ storage: s, shape: [2], dtype: 'int32' }],
      attrs: { op: 'neg' },
      output: { shape: [2], dtype: 'int32', size: 2 },
    });
    expect(backend.memory()).toEqual({ bytes: 16, buffers: 2 });
    expect(Array.from(backend.readSync(out, 'int32', 2))).toEqual([-1, -2]);
    backend.dispose(s);
    backend.dispose(s);
    backend.dispose({ data: new Float32Array(3) });
    expect(backend.memory()).toEqual({ bytes: 8, buffers: 1 });
  });
});
