import { matmul, tensor } from '@tessera/tensor';
import { afterAll, describe, test } from 'vitest';
import { expectMatchesCpu, seededValues, startWebGPU } from './harness';

const harness = await startWebGPU();
afterAll(() => harness.stop());

function values(shape: readonly number[], seed: number): Float32Array {
  return seededValues(
    shape.reduce((a, b) => a * b, 1),
    seed,
  );
}

describe.skipIf(harness.backend === null)('MatMul', () => {
  // Sizes around the 64 x 64 output tile and the 16-deep inner slice, below and above.
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [16, 16, 16],
    [64, 64, 64],
    [65, 17, 63],
    [130, 70, 129],
    [1, 300, 1],
    [200, 1, 3],
  ];

  test.each(sizes)('m=%i k=%i n=%i in every transpose combination', async (m, k, n) => {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const aShape = transposeA ? [k, m] : [m, k];
        const bShape = transposeB ? [n, k] : [k, n];
        await expectMatchesCpu(
          () =>
            matmul(tensor(values(aShape, 1), aShape), tensor(values(bShape, 2), bShape), {
              transposeA,
              transposeB,
            }),
          1e-5,
          `transposeA=${transposeA} transposeB=${transposeB}`,
        );
      }
    }
  });

  test('broadcasts batch axes', async () => {
    const cases: [number[], number[]][] = [
      [
        [2, 3, 4, 5],
        [2, 3, 5, 6],
      ],
      [
        [3, 4, 5],
        [5, 6],
      ],
      [
        [4, 5],
        [2, 3, 5, 6],
      ],
      [
        [2, 1, 4, 5],
        [1, 3, 5, 6],
      ],
      [[5], [2, 5, 3]],
      [[2, 4, 5], [5]],
    ];
    for (const [aShape, bShape] of cases) {
      await expectMatchesCpu(
        () => matmul(tensor(values(aShape, 3), aShape), tensor(values(bShape, 4), bShape)),
        1e-5,
        `${aShape} x ${bShape}`,
      );
    }
  });

  test('int32 products wrap around', async () => {
    const a = Array.from(values([9, 20], 5), (v) => Math.round(v * 1e5));
    const b = Array.from(values([20, 11], 6), (v) => Math.round(v * 1e5));
    await expectMatchesCpu(() => matmul(tensor(a, [9, 20], 'int32'), tensor(b, [20, 11], 'int32')));
  });

  test('empty inner and outer dimensions', async () => {
    await expectMatchesCpu(() => matmul(tensor([], [3, 0]), tensor([], [0, 4])));
    await expectMatchesCpu(() => matmul(tensor([], [0, 3]), tensor(values([3, 4], 7), [3, 4])));
  });

  test('NaN and infinity propagate', async () => {
    const a = values([4, 6], 8);
    a[3] = Number.NaN;
    a[13] = Infinity;
    await expectMatchesCpu(
      () => matmul(tensor(a, [4, 6]), tensor(values([6, 5], 9), [6, 5])),
      1e-5,
    );
  });
});
