import { add, memory, sub, tensor, tidy, where } from '@tessera/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { expectClose, expectMatchesCpu, seededValues, startWebGPU } from './harness';

const MIB = 1024 * 1024;

// A binding limit of 128 MiB, as many browsers have, below SwiftShader's 1 GiB.
const harness = await startWebGPU({ maxBindingBytes: 128 * MIB });
afterAll(() => harness.stop());

describe.skipIf(harness.backend === null)('tensors larger than one binding', () => {
  test('uses the lowered binding limit', () => {
    expect(harness.backend!.info().limits.bindingBytes).toBe(128 * MIB);
  });

  test('x + 1 over 36,711,938 float32 values (146,847,752 bytes)', async () => {
    const size = 36_711_938;
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = (i % 1000) * 0.001 - (i % 7);
    const x = tensor(values);
    const y = add(x, 1);
    const result = await y.data();
    x.dispose();
    y.dispose();
    expect(result.length).toBe(size);
    let mismatches = 0;
    for (let i = 0; i < size; i++) {
      if (result[i] !== Math.fround(values[i] + 1)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe.skipIf(harness.backend === null)('chunked elementwise kernels', () => {
  test('broadcasting operands are bound per chunk', async () => {
    const small = await startWebGPU({ maxBindingBytes: 64 * 1024 }, 'webgpu-small');
    try {
      // 200 x 300 float32 is 240,000 bytes: four chunks of at most 16,384 elements.
      const a = seededValues(200 * 300, 31);
      const column = seededValues(200, 32);
      const row = seededValues(300, 33);
      await expectMatchesCpu(() => sub(tensor(a, [200, 300]), tensor(column, [200, 1])));
      await expectMatchesCpu(() => add(tensor(row, [1, 300]), tensor(a, [200, 300])));
      await expectMatchesCpu(() =>
        where(tensor(a, [200, 300]).greater(0), tensor(column, [200, 1]), tensor(row, [300])),
      );
      const before = memory();
      const sums = tidy(() => add(tensor(a, [200, 300]), 2));
      expectClose(
        await sums.data(),
        a.map((v) => Math.fround(v + 2)),
      );
      sums.dispose();
      expect(memory()).toEqual(before);
    } finally {
      await small.stop();
    }
  });
});
