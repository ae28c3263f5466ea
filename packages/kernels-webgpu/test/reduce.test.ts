import {
  argmax,
  argmin,
  type DType,
  logSoftmax,
  max,
  min,
  prod,
  type ReduceOp,
  softmax,
  sum,
  type Tensor,
  tensor,
} from '@tessera/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { expectMatchesCpu, onBoth, seededValues, startWebGPU } from './harness';

const harness = await startWebGPU();
afterAll(() => harness.stop());

const REDUCTIONS: Record<ReduceOp, (x: Tensor, axis?: number | number[]) => Tensor> = {
  sum,
  prod,
  max,
  min,
};

/** Axes to reduce for a tensor of shape [4, 5, 6]: leading, middle, trailing, pairs, all, none. */
const AXES: (number | number[])[] = [0, 1, 2, [0, 2], [0, 1], [1, 2], [0, 1, 2], []];

describe.skipIf(harness.backend === null)('Reduce', () => {
  const ops = Object.keys(REDUCTIONS) as ReduceOp[];
  const cases = ops.flatMap((op) => AXES.map((axes) => [op, axes] as const));

  test.each(cases)('%s over axes %j of float32', async (op, axes) => {
    // Values near 1 keep products of 120 elements in range.
    const values = seededValues(120, 11).map((v) => 1 + v * 0.5);
    await expectMatchesCpu(() => REDUCTIONS[op](tensor(values, [4, 5, 6]), axes), 1e-5);
  });

  test.each(cases)('%s over axes %j of int32 wraps', async (op, axes) => {
    const values = Array.from(seededValues(120, 12), (v) => Math.round(v * 2e9));
    await expectMatchesCpu(() => REDUCTIONS[op](tensor(values, [4, 5, 6], 'int32'), axes));
  });

  test.each(ops)('%s over long rows takes several passes', async (op) => {
    // 3 rows of 300,000: 293 workgroups per row, then one more pass. Products use factors of
    // +-1 and a few of 2 and 1/2, whose products are exact in any order. A float32 product of
    // many factors near 1 drifts (rounding 1 + e with tiny e is biased), while the CPU multiplies
    // in float64.
    const factor = (v: number, i: number): number => {
      if (i % 1000 === 0) return 2 * Math.sign(v);
      if (i % 1000 === 500) return 0.5 * Math.sign(v);
      return Math.sign(v);
    };
    const values = seededValues(900_000, 13).map((v, i) => (op === 'prod' ? factor(v, i) : v));
    await expectMatchesCpu(() => REDUCTIONS[op](tensor(values, [3, 300_000]), 1), 1e-4);
    await expectMatchesCpu(() => REDUCTIONS[op](tensor(values, [300_000, 3]), 0), 1e-4);
  });

  test.each(['max', 'min'] as const)('%s propagates NaN in short and long rows', async (op) => {
    for (const length of [10, 5000]) {
      const values = seededValues(2 * length, 14);
      values[length + 3] = Number.NaN;
      values[length - 1] = op === 'max' ? Infinity : -Infinity;
      await expectMatchesCpu(() => REDUCTIONS[op](tensor(values, [2, length]), 1));
    }
  });

  test('bool and empty inputs', async () => {
    await expectMatchesCpu(() => sum(tensor([true, false, true, true], [2, 2]), 1));
    await expectMatchesCpu(() => max(tensor([1, 0, 1, 1], [2, 2], 'int32'), 0));
    await expectMatchesCpu(() => sum(tensor([], [3, 0]), 1));
    await expectMatchesCpu(() => prod(tensor([], [0, 3], 'int32'), 0));
    await expectMatchesCpu(() => sum(tensor([], [0, 3]), 1));
  });

  test('sum of 1M float32 values is as accurate as pairwise summation', async () => {
    const values = seededValues(1 << 20, 15).map((v) => (v + 1) * 1000);
    let exact = 0;
    for (const v of values) exact += v;
    let naive = Math.fround(0);
    for (const v of values) naive = Math.fround(naive + v);
    const { gpu } = await onBoth(() => sum(tensor(values)));
    const gpuError = Math.abs(gpu[0] - exact) / exact;
    const naiveError = Math.abs(naive - exact) / exact;
    // A pairwise float32 sum of 2^20 values errs by about 1e-7 here; the naive one by about 1e-4.
    expect(naiveError).toBeGreaterThan(1e-5);
    expect(gpuError).toBeLessThan(1e-6);
    expect(gpuError).toBeLessThan(naiveError / 50);
  });
});

describe.skipIf(harness.backend === null)('ArgReduce', () => {
  const dtypes: DType[] = ['float32', 'int32', 'bool'];

  test.each(dtypes)('argmax and argmin along each axis of %s', async (dtype) => {
    const raw = Array.from(seededValues(120, 16), (v) => Math.round(v * 3));
    const values = dtype === 'bool' ? raw.map((v) => Number(v > 0)) : raw;
    for (const axis of [0, 1, 2]) {
      await expectMatchesCpu(() => argmax(tensor(values, [4, 5, 6], dtype), axis));
      await expectMatchesCpu(() => argmin(tensor(values, [4, 5, 6], dtype), axis));
    }
  });

  test('NaN is the extreme and ties go to the first index', async () => {
    for (const length of [8, 3000]) {
      const values = new Float32Array(3 * length).fill(1);
      values[5] = 2;
      values[length - 2] = 2;
      values[length + 4] = Number.NaN;
      values[length + 6] = Number.NaN;
      values[2 * length + 7] = -5;
      await expectMatchesCpu(() => argmax(tensor(values, [3, length]), 1));
      await expectMatchesCpu(() => argmin(tensor(values, [3, length]), 1));
      await expectMatchesCpu(() => argmax(tensor(values, [length, 3]), 0));
    }
  });
});

describe.skipIf(harness.backend === null)('Softmax and LogSoftmax', () => {
  test.each([
    [[6, 7], 1],
    [[6, 7], 0],
    [[2, 3, 4], 1],
    [[4, 1000], 1],
    [[1000, 3], 0],
  ] as const)('shape %j along axis %i', async (shape, axis) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = seededValues(size, 17).map((v) => v * 20);
    await expectMatchesCpu(() => softmax(tensor(values, [...shape]), axis), 2e-6);
    await expectMatchesCpu(() => logSoftmax(tensor(values, [...shape]), axis), 2e-6);
  });

  test('rows with infinities and NaN', async () => {
    const rows = [
      [1, 2, 3, 4],
      [1000, 1001, 999, -1000],
      [-Infinity, -Infinity, -Infinity, -Infinity],
      [-Infinity, 0, 1, -Infinity],
      [Infinity, 0, 1, 2],
      [Number.NaN, 0, 1, 2],
    ];
    await expectMatchesCpu(() => softmax(tensor(rows)), 2e-6);
    await expectMatchesCpu(() => logSoftmax(tensor(rows)), 2e-6);
  });

  test('rank-0 and empty tensors', async () => {
    await expectMatchesCpu(() => softmax(tensor(3)));
    await expectMatchesCpu(() => logSoftmax(tensor([], [0, 4])));
  });
});
