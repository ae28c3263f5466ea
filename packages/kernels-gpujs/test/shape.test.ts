import {
  concat,
  gather,
  matmul,
  pad,
  scatterAdd,
  slice,
  type Tensor,
  transpose,
} from '@tessera/tensor';
import { test } from 'vitest';
import { describeEachMode, expectMatchesCpu, seededIntegers, seededValues } from './helpers';

describeEachMode('MatMul', (context) => {
  test('every transpose combination', async () => {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const a = { shape: transposeA ? [7, 4] : [4, 7], values: seededValues(28, 1) };
        const b = { shape: transposeB ? [3, 7] : [7, 3], values: seededValues(21, 2) };
        await expectMatchesCpu(
          context,
          [a, b],
          (x, y) => matmul(x, y, { transposeA, transposeB }),
          1e-5,
        );
      }
    }
  });

  test('broadcast batches and vectors', async () => {
    const a = { shape: [2, 1, 3, 4], values: seededValues(24, 3) };
    const b = { shape: [3, 4, 2], values: seededValues(24, 4) };
    await expectMatchesCpu(context, [a, b], (x, y) => matmul(x, y), 1e-5);
    const vector = { shape: [4], values: seededValues(4, 5) };
    await expectMatchesCpu(context, [a, vector], (x, y) => matmul(x, y), 1e-5);
    await expectMatchesCpu(context, [vector, b], (x, y) => matmul(x, y), 1e-5);
  });

  test('int32, empty and long inner dimensions', async () => {
    const ints = { shape: [3, 3], dtype: 'int32' as const, values: seededIntegers(9, 6, -50, 50) };
    await expectMatchesCpu(context, [ints, ints], (x, y) => matmul(x, y), 0);
    const empty = { shape: [3, 0], values: [] };
    const emptyRight = { shape: [0, 2], values: [] };
    await expectMatchesCpu(context, [empty, emptyRight], (x, y) => matmul(x, y), 0);
    const wide = { shape: [2, 3000], values: seededValues(6000, 7) };
    const tall = { shape: [3000, 2], values: seededValues(6000, 8) };
    await expectMatchesCpu(context, [wide, tall], (x, y) => matmul(x, y), 1e-4);
  });

  test('inner dimensions over 4096 run in parts', async () => {
    const wide = { shape: [2, 9000], values: seededValues(18000, 30) };
    const tall = { shape: [3, 9000], values: seededValues(27000, 31) };
    await expectMatchesCpu(
      context,
      [wide, tall],
      (x, y) => matmul(x, y, { transposeB: true }),
      1e-4,
    );
  });
});

describeEachMode('Transpose, Slice, Concat and Pad', (context) => {
  const cube = { shape: [2, 3, 4], values: seededValues(24, 9) };

  test('transpose with each permutation', async () => {
    for (const perm of [
      [1, 0, 2],
      [2, 1, 0],
      [1, 2, 0],
      [0, 2, 1],
    ]) {
      await expectMatchesCpu(context, [cube], (t) => transpose(t, perm), 0);
    }
  });

  test('slice boxes', async () => {
    await expectMatchesCpu(context, [cube], (t) => slice(t, [1, 1, 1], [1, 2, 2]), 0);
    await expectMatchesCpu(context, [cube], (t) => slice(t, [0, 0, 3]), 0);
    await expectMatchesCpu(context, [cube], (t) => slice(t, [0, 1, 0], [2, 0, 4]), 0);
  });

  test('concat along each axis, with empty inputs', async () => {
    const other = { shape: [2, 3, 4], values: seededValues(24, 10) };
    const empty = { shape: [2, 0, 4], values: [] };
    for (const axis of [0, 1, 2]) {
      await expectMatchesCpu(context, [cube, other], (x, y) => concat([x, y], axis), 0);
    }
    await expectMatchesCpu(context, [cube, empty, other], (x, e, y) => concat([x, e, y], 1), 0);
  });

  test('concat of more inputs than texture units', async () => {
    const parts = Array.from({ length: 19 }, (_, k) => ({
      shape: [2, k % 3 === 0 ? 2 : 1],
      values: seededValues(k % 3 === 0 ? 4 : 2, 20 + k),
    }));
    await expectMatchesCpu(context, parts, (...ts: Tensor[]) => concat(ts, 1), 0);
  });

  test('pad with values in each dtype', async () => {
    const paddings = [
      [1, 0],
      [0, 2],
      [1, 1],
    ] as const;
    await expectMatchesCpu(context, [cube], (t) => pad(t, paddings, 0), 0);
    await expectMatchesCpu(context, [cube], (t) => pad(t, paddings, Number.NaN), 0);
    const ints = { shape: [2, 2], dtype: 'int32' as const, values: [1, 2, 3, 4] };
    await expectMatchesCpu(
      context,
      [ints],
      (t) =>
        pad(
          t,
          [
            [0, 1],
            [2, 0],
          ],
          -3,
        ),
      0,
    );
    const empty = { shape: [0, 2], values: [] };
    await expectMatchesCpu(
      context,
      [empty],
      (t) =>
        pad(
          t,
          [
            [1, 1],
            [0, 0],
          ],
          7,
        ),
      0,
    );
  });
});

describeEachMode('Gather and ScatterAdd', (context) => {
  const table = { shape: [5, 3], values: seededValues(15, 11) };
  const indices = { shape: [2, 3], dtype: 'int32' as const, values: [4, 0, 4, 2, 2, 1] };

  test('gather along each axis', async () => {
    await expectMatchesCpu(context, [table, indices], (x, i) => gather(x, i, 0), 0);
    const columns = { shape: [4], dtype: 'int32' as const, values: [2, 2, 0, 1] };
    await expectMatchesCpu(context, [table, columns], (x, i) => gather(x, i, 1), 0);
  });

  test('scatterAdd accumulates repeated indices', async () => {
    const updates = { shape: [2, 3, 3], values: seededValues(18, 12) };
    await expectMatchesCpu(
      context,
      [updates, indices],
      (u, i) => scatterAdd(u, i, 0, [5, 3]),
      1e-6,
    );
    const intUpdates = { shape: [6], dtype: 'int32' as const, values: [1, 2, 3, 4, 5, 6] };
    const flat = { shape: [6], dtype: 'int32' as const, values: [4, 0, 4, 2, 2, 1] };
    await expectMatchesCpu(context, [intUpdates, flat], (u, i) => scatterAdd(u, i, 0, [6]), 0);
    const boolUpdates = { shape: [6], dtype: 'bool' as const, values: [1, 0, 0, 1, 0, 0] };
    await expectMatchesCpu(context, [boolUpdates, flat], (u, i) => scatterAdd(u, i, 0, [5]), 0);
  });

  test('scatterAdd over more indices than one pass scans', async () => {
    const count = 70000;
    const rows = {
      shape: [count],
      dtype: 'int32' as const,
      values: seededIntegers(count, 14, 0, 10),
    };
    const updates = {
      shape: [count, 2],
      dtype: 'int32' as const,
      values: seededIntegers(2 * count, 15, -9, 9),
    };
    await expectMatchesCpu(context, [updates, rows], (u, i) => scatterAdd(u, i, 0, [10, 2]), 0);
    const flags = {
      shape: [count],
      dtype: 'bool' as const,
      values: seededIntegers(count, 16, 0, 2),
    };
    await expectMatchesCpu(context, [flags, rows], (u, i) => scatterAdd(u, i, 0, [10]), 0);
  });
});
