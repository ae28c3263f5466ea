import { argmax, BackendError, full, max, softmax, tensor } from '@tessera/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { foldWorkgroups } from '../src/program/program';
import { offsetRange } from '../src/program/strides';
import { expectMatchesCpu, seededValues, startWebGPU } from './harness';

const harness = await startWebGPU();
afterAll(() => harness.stop());

describe('foldWorkgroups', () => {
  test('keeps counts within the limit in one dimension', () => {
    expect(foldWorkgroups(1, 65535)).toEqual([1, 1, 1]);
    expect(foldWorkgroups(65535, 65535)).toEqual([65535, 1, 1]);
  });

  test('folds larger counts into a square, then a cube', () => {
    expect(foldWorkgroups(65536, 65535)).toEqual([256, 256, 1]);
    const [x, y, z] = foldWorkgroups(5_000_000_000, 65535);
    expect(z).toBeGreaterThan(1);
    expect(x * y * z).toBeGreaterThanOrEqual(5_000_000_000);
    expect(Math.max(x, y, z)).toBeLessThanOrEqual(65535);
  });

  test('rejects counts that no three dimensions hold', () => {
    expect(() => foldWorkgroups(2 ** 50, 65535)).toThrow(/maxComputeWorkgroupsPerDimension/);
  });
});

describe('offsetRange', () => {
  test('matches a brute-force scan', () => {
    const random = seededValues(4000, 21);
    let r = 0;
    const next = (n: number): number => Math.floor(((random[r++ % random.length] + 1) / 2) * n);
    for (let trial = 0; trial < 300; trial++) {
      const rank = 1 + next(4);
      const shape = Array.from({ length: rank }, () => 1 + next(5));
      const strides = Array.from({ length: rank }, () => next(3) * (1 + next(7)));
      const size = shape.reduce((a, b) => a * b, 1);
      const first = next(size);
      const last = first + next(size - first);
      let low = Infinity;
      let high = -Infinity;
      for (let index = first; index <= last; index++) {
        let rest = index;
        let offset = 0;
        for (let axis = rank - 1; axis >= 0; axis--) {
          offset += (rest % shape[axis]) * strides[axis];
          rest = Math.floor(rest / shape[axis]);
        }
        low = Math.min(low, offset);
        high = Math.max(high, offset);
      }
      expect(
        offsetRange(shape, strides, first, last),
        `${shape} ${strides} ${first}..${last}`,
      ).toEqual([low, high]);
    }
  });
});

describe.skipIf(harness.backend === null)('device limits', () => {
  test('reads its limits from the device', () => {
    const { limits, workgroupSize } = harness.backend!.info();
    expect(limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
    expect(limits.bindingBytes).toBe(limits.maxStorageBufferBindingSize);
    expect(workgroupSize).toBeLessThanOrEqual(limits.maxComputeInvocationsPerWorkgroup);
  });

  // Every program finds its flat workgroup index the same way, so one large elementwise dispatch
  // covers the folding. A workgroup-per-row kernel over 65,536 rows takes minutes on SwiftShader.
  test('folds an elementwise dispatch of more than 65,535 workgroups', async () => {
    const { workgroupSize, limits } = harness.backend!.info();
    const size = limits.maxComputeWorkgroupsPerDimension * workgroupSize + 3 * workgroupSize + 1;
    const filled = full([size], 2.5);
    const values = await filled.data();
    filled.dispose();
    expect(values.length).toBe(size);
    expect(values.every((v) => v === 2.5)).toBe(true);
  });

  test('row kernels over many short rows', async () => {
    const rows = 70_000;
    const values = seededValues(rows * 100, 22);
    await expectMatchesCpu(() => max(tensor(values, [rows, 100]), 1));
    await expectMatchesCpu(() => argmax(tensor(values, [rows, 100]), 1));
    await expectMatchesCpu(() => softmax(tensor(values, [rows, 100]), 1), 2e-6);
  });
});

describe.skipIf(harness.backend === null)('errors before launch', () => {
  test('a kernel that cannot split names the limit and frees its output', async () => {
    const small = await startWebGPU({ maxBindingBytes: 4096 }, 'webgpu-small');
    try {
      const x = tensor(seededValues(2048, 23), [2048]);
      const before = small.backend!.memory();
      let error: unknown;
      try {
        max(x);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(BackendError);
      expect(String(error)).toMatch(/Reduce cannot split its input of 8192 bytes/);
      expect(String(error)).toMatch(/4096 bytes/);
      expect(String(error)).toMatch(/maxStorageBufferBindingSize/);
      expect(small.backend!.memory()).toEqual(before);
      x.dispose();
    } finally {
      await small.stop();
    }
  });
});
