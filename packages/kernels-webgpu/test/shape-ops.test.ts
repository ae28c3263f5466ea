import {
  concat,
  type DType,
  gather,
  pad,
  scatterAdd,
  slice,
  tensor,
  transpose,
} from '@tessera/tensor';
import { afterAll, describe, test } from 'vitest';
import { expectMatchesCpu, seededValues, startWebGPU } from './harness';

const harness = await startWebGPU();
afterAll(() => harness.stop());

const DTYPES: DType[] = ['float32', 'int32', 'bool'];

/** 2 x 3 x 4 x 5 values of `dtype`. */
function sample(dtype: DType, seed = 1): number[] {
  const raw = Array.from(seededValues(120, seed), (v) => v * 100);
  if (dtype === 'int32') return raw.map(Math.round);
  if (dtype === 'bool') return raw.map((v) => Number(v > 0));
  return raw;
}

describe.skipIf(harness.backend === null)('copy kernels', () => {
  test.each(DTYPES)('Transpose of %s for several permutations', async (dtype) => {
    for (const perm of [
      [0, 1, 3, 2],
      [3, 2, 1, 0],
      [1, 0, 2, 3],
      [2, 0, 3, 1],
    ]) {
      await expectMatchesCpu(() => transpose(tensor(sample(dtype), [2, 3, 4, 5], dtype), perm));
    }
  });

  test.each(DTYPES)('Slice of %s', async (dtype) => {
    const x = (): ReturnType<typeof tensor> => tensor(sample(dtype), [2, 3, 4, 5], dtype);
    await expectMatchesCpu(() => slice(x(), [1, 0, 1, 2], [1, 3, 2, 3]));
    await expectMatchesCpu(() => slice(x(), [0, 2, 0, 0]));
    await expectMatchesCpu(() => slice(x(), [0, 1, 3, 4], [2, 0, 1, 1]));
  });

  test.each(DTYPES)('Concat of %s along each axis and with many inputs', async (dtype) => {
    for (const axis of [0, 1, 3]) {
      await expectMatchesCpu(() =>
        concat(
          [
            tensor(sample(dtype, 1), [2, 3, 4, 5], dtype),
            tensor(
              sample(dtype, 2).slice(0, 0),
              axis === 0 ? [0, 3, 4, 5] : axis === 1 ? [2, 0, 4, 5] : [2, 3, 4, 0],
              dtype,
            ),
            tensor(sample(dtype, 3), [2, 3, 4, 5], dtype),
          ],
          axis,
        ),
      );
    }
    const many = Array.from({ length: 20 }, (_, i) => i);
    await expectMatchesCpu(() =>
      concat(
        many.map((i) => tensor(sample(dtype, i + 1).slice(0, 6), [2, 3], dtype)),
        1,
      ),
    );
  });

  test.each(DTYPES)('Pad of %s', async (dtype) => {
    const x = (): ReturnType<typeof tensor> => tensor(sample(dtype).slice(0, 12), [3, 4], dtype);
    await expectMatchesCpu(() =>
      pad(
        x(),
        [
          [1, 2],
          [0, 3],
        ],
        7,
      ),
    );
    await expectMatchesCpu(() =>
      pad(
        x(),
        [
          [0, 0],
          [2, 0],
        ],
        Number.NaN,
      ),
    );
    await expectMatchesCpu(() =>
      pad(
        tensor([], [0, 2], dtype),
        [
          [1, 1],
          [1, 0],
        ],
        -2.5,
      ),
    );
    await expectMatchesCpu(() => pad(tensor([5], [], dtype), [], 1));
  });
});

describe.skipIf(harness.backend === null)('Gather and ScatterAdd', () => {
  test.each(DTYPES)('Gather of %s along each axis', async (dtype) => {
    for (const axis of [0, 1, 3]) {
      const length = [2, 3, 4, 5][axis];
      const indices = [0, length - 1, 1 % length, 0, length - 1, 0];
      await expectMatchesCpu(() =>
        gather(tensor(sample(dtype), [2, 3, 4, 5], dtype), tensor(indices, [2, 3], 'int32'), axis),
      );
    }
  });

  test.each(DTYPES)('ScatterAdd of %s accumulates repeated indices', async (dtype) => {
    const indices = [2, 0, 2, 2, 1, 0];
    const updates = sample(dtype).slice(0, 2 * 6 * 5);
    for (const axis of [0, 1]) {
      const shape = axis === 0 ? [3, 2, 5] : [2, 4, 5];
      const updateShape = axis === 0 ? [6, 2, 5] : [2, 6, 5];
      await expectMatchesCpu(
        () =>
          scatterAdd(
            tensor(updates, updateShape, dtype),
            tensor(indices, [6], 'int32'),
            axis,
            shape,
          ),
        1e-6,
      );
    }
  });

  test('ScatterAdd of many float32 updates into few rows', async () => {
    const count = 20_000;
    const indices = Array.from({ length: count }, (_, i) => (i * 7919) % 13);
    const updates = seededValues(count * 3, 4);
    await expectMatchesCpu(
      () => scatterAdd(tensor(updates, [count, 3]), tensor(indices, [count], 'int32'), 0, [13, 3]),
      1e-4,
    );
  });

  test('ScatterAdd with int32 wrap-around and empty updates', async () => {
    await expectMatchesCpu(() =>
      scatterAdd(
        tensor([2147483647, 1, -2147483648, -1], [4], 'int32'),
        tensor([0, 0, 1, 1], [4], 'int32'),
        0,
        [2],
      ),
    );
    await expectMatchesCpu(() =>
      scatterAdd(tensor([], [0, 2]), tensor([], [0], 'int32'), 0, [3, 2]),
    );
  });
});
