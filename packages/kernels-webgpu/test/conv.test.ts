import { grads } from '@tessera/autograd';
import {
  avgPool2d,
  BackendError,
  type Conv2DOptions,
  conv2d,
  maxPool2d,
  memory,
  type Pool2DOptions,
  type Tensor,
  tensor,
} from '@tessera/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { expectMatchesCpu, seededValues, startWebGPU } from './harness';

const harness = await startWebGPU();
afterAll(() => harness.stop());

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function input(shape: readonly number[], seed: number): Tensor {
  return tensor(seededValues(sizeOf(shape), seed), shape);
}

/** Checks the values and every gradient of `fn` (seeded with a random output gradient) against the CPU. */
async function expectOpAndGradients(
  fn: (...xs: Tensor[]) => Tensor,
  shapes: readonly (readonly number[])[],
  outShape: readonly number[],
  tolerance: number,
  label: string,
): Promise<void> {
  const inputs = () => shapes.map((shape, i) => input(shape, 11 + i));
  await expectMatchesCpu(() => fn(...inputs()), tolerance, `${label} forward`);
  for (let i = 0; i < shapes.length; i++) {
    await expectMatchesCpu(
      () => grads(fn)(inputs(), input(outShape, 7))[i],
      tolerance,
      `${label} gradient ${i}`,
    );
  }
}

interface ConvCase {
  name: string;
  x: number[];
  weight: number[];
  options: Conv2DOptions;
  out: number[];
}

const CONV_CASES: ConvCase[] = [
  { name: 'plain 3x3', x: [2, 3, 7, 6], weight: [4, 3, 3, 3], options: {}, out: [2, 4, 5, 4] },
  {
    name: 'strided with asymmetric padding',
    x: [1, 2, 9, 8],
    weight: [3, 2, 3, 2],
    options: { stride: [2, 3], padding: [1, 2, 0, 1] },
    out: [1, 3, 5, 3],
  },
  {
    name: 'dilated',
    x: [1, 1, 10, 10],
    weight: [2, 1, 3, 3],
    options: { padding: 2, dilation: 2 },
    out: [1, 2, 10, 10],
  },
  {
    name: 'dilated and strided',
    x: [2, 3, 11, 13],
    weight: [5, 3, 2, 3],
    options: { stride: [2, 3], padding: [0, 1, 2, 0], dilation: [3, 2] },
    out: [2, 5, 5, 4],
  },
  {
    name: 'grouped',
    x: [2, 4, 5, 5],
    weight: [6, 2, 3, 3],
    options: { padding: 1, groups: 2 },
    out: [2, 6, 5, 5],
  },
  {
    name: 'depthwise',
    x: [3, 5, 8, 7],
    weight: [5, 1, 3, 3],
    options: { padding: 1, stride: 2, groups: 5 },
    out: [3, 5, 4, 4],
  },
  {
    name: 'depthwise with multiplier 2',
    x: [1, 3, 6, 6],
    weight: [6, 1, 2, 2],
    options: { groups: 3 },
    out: [1, 6, 5, 5],
  },
  {
    name: '1x1 kernel',
    x: [2, 7, 5, 3],
    weight: [9, 7, 1, 1],
    options: {},
    out: [2, 9, 5, 3],
  },
  // 70 output channels take the 64-row tile and a partial second one. The inner length is 17 * 9.
  {
    name: 'wide with odd channels',
    x: [2, 17, 9, 11],
    weight: [70, 17, 3, 3],
    options: { padding: 1 },
    out: [2, 70, 9, 11],
  },
  {
    name: 'kernel as large as the padded input',
    x: [1, 2, 3, 4],
    weight: [3, 2, 5, 6],
    options: { padding: [1, 1, 1, 1] },
    out: [1, 3, 1, 1],
  },
];

describe.skipIf(harness.backend === null)('Conv2D', () => {
  for (const c of CONV_CASES) {
    test(`${c.name}: values and gradients`, async () => {
      await expectOpAndGradients(
        (x, w) => conv2d(x, w, c.options),
        [c.x, c.weight],
        c.out,
        2e-5,
        c.name,
      );
    });
  }

  test('bias and same padding', async () => {
    await expectOpAndGradients(
      (x, w, b) => conv2d(x, w, { padding: 'same', bias: b }),
      [[2, 3, 6, 5], [4, 3, 4, 3], [4]],
      [2, 4, 6, 5],
      2e-5,
      'same padding',
    );
  });

  // 16 images of 20 x 20 give an inner length of 6400 for the filter gradient, which is cut
  // into splits that the Reduce kernel sums.
  test('filter gradient over a large batch', async () => {
    await expectOpAndGradients(
      (x, w) => conv2d(x, w, { padding: 1 }),
      [
        [16, 3, 20, 20],
        [4, 3, 3, 3],
      ],
      [16, 4, 20, 20],
      1e-4,
      'large batch',
    );
  });

  // A 1 x 1 output per group takes one workgroup per group in all three kernels, so one group
  // more than maxComputeWorkgroupsPerDimension makes each dispatch fold.
  test('groups beyond one dispatch dimension', async () => {
    const groups = harness.backend!.info().limits.maxComputeWorkgroupsPerDimension + 1;
    await expectOpAndGradients(
      (x, w) => conv2d(x, w, { groups }),
      [
        [1, groups, 2, 1],
        [groups, 1, 2, 1],
      ],
      [1, groups, 1, 1],
      1e-6,
      'folded',
    );
  });

  test('NaN input propagates', async () => {
    const values = seededValues(2 * 6 * 6, 3);
    values[14] = Number.NaN;
    await expectMatchesCpu(
      () => conv2d(tensor(values, [1, 2, 6, 6]), input([2, 2, 3, 3], 4), { padding: 1 }),
      1e-5,
    );
  });

  test('empty batch', async () => {
    await expectOpAndGradients(
      (x, w) => conv2d(x, w, { padding: 1 }),
      [
        [0, 2, 4, 4],
        [3, 2, 3, 3],
      ],
      [0, 3, 4, 4],
      1e-6,
      'empty batch',
    );
  });
});

interface PoolCase {
  name: string;
  x: number[];
  options: Pool2DOptions;
  out: number[];
}

const POOL_CASES: PoolCase[] = [
  { name: '2x2 stride 2', x: [2, 3, 8, 6], options: { kernelSize: 2 }, out: [2, 3, 4, 3] },
  {
    name: '2x2 stride 2 on odd sizes',
    x: [1, 2, 7, 5],
    options: { kernelSize: 2 },
    out: [1, 2, 3, 2],
  },
  {
    name: '3x3 stride 1 padded',
    x: [2, 2, 6, 5],
    options: { kernelSize: 3, stride: 1, padding: 1 },
    out: [2, 2, 6, 5],
  },
  {
    name: '3x2 stride 2 asymmetric padding',
    x: [1, 3, 7, 6],
    options: { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0, 0, 1] },
    out: [1, 3, 3, 6],
  },
  {
    name: '3x3 stride 2 overlapping',
    x: [3, 1, 9, 9],
    options: { kernelSize: 3, stride: 2, padding: 1 },
    out: [3, 1, 5, 5],
  },
];

/** Values rounded to a few integers, so windows contain ties and "the first maximum" matters. */
function tiedInput(shape: readonly number[], seed: number): Tensor {
  const values = seededValues(sizeOf(shape), seed).map((v) => Math.round(v * 3));
  return tensor(values, shape);
}

describe.skipIf(harness.backend === null)('MaxPool2D', () => {
  for (const c of POOL_CASES) {
    test(`${c.name}: values and gradient`, async () => {
      await expectOpAndGradients((x) => maxPool2d(x, c.options), [c.x], c.out, 1e-6, c.name);
    });
  }

  test('ties go to the first maximum', async () => {
    for (const c of POOL_CASES) {
      const fn = (x: Tensor) => maxPool2d(x, c.options);
      await expectMatchesCpu(() => fn(tiedInput(c.x, 5)), 0, `${c.name} forward`);
      await expectMatchesCpu(
        () => grads(fn)([tiedInput(c.x, 5)], input(c.out, 6))[0],
        1e-6,
        `${c.name} gradient`,
      );
    }
  });

  test('dilated windows', async () => {
    const fn = (x: Tensor) => maxPool2d(x, { kernelSize: 3, stride: [1, 2], dilation: [2, 1] });
    await expectOpAndGradients(fn, [[2, 2, 9, 8]], [2, 2, 5, 3], 1e-6, 'dilated');
  });

  test('NaN propagates and takes the gradient', async () => {
    const values = seededValues(2 * 6 * 6, 8);
    values[7] = Number.NaN;
    values[8] = Number.NaN;
    values[40] = Number.NaN;
    const fn = (x: Tensor) => maxPool2d(x, { kernelSize: 3, stride: 1, padding: 1 });
    await expectMatchesCpu(() => fn(tensor(values, [1, 2, 6, 6])), 0, 'forward');
    await expectMatchesCpu(
      () => grads(fn)([tensor(values, [1, 2, 6, 6])], input([1, 2, 6, 6], 9))[0],
      1e-6,
      'gradient',
    );
  });

  test('infinities and all-negative windows', async () => {
    const values = seededValues(4 * 4, 10).map((v) => v - 2);
    values[0] = Number.NEGATIVE_INFINITY;
    values[5] = Number.POSITIVE_INFINITY;
    const fn = (x: Tensor) => maxPool2d(x, { kernelSize: 2, stride: 1, padding: 1 });
    await expectMatchesCpu(() => fn(tensor(values, [1, 1, 4, 4])), 0, 'forward');
    await expectMatchesCpu(
      () => grads(fn)([tensor(values, [1, 1, 4, 4])], input([1, 1, 5, 5], 11))[0],
      1e-6,
      'gradient',
    );
  });
});

describe.skipIf(harness.backend === null)('AvgPool2D', () => {
  for (const c of POOL_CASES) {
    for (const countIncludePad of [true, false]) {
      test(`${c.name}, countIncludePad ${countIncludePad}`, async () => {
        await expectOpAndGradients(
          (x) => avgPool2d(x, { ...c.options, countIncludePad }),
          [c.x],
          c.out,
          2e-6,
          c.name,
        );
      });
    }
  }
});

describe.skipIf(harness.backend === null)('convolution buffers', () => {
  test('training step frees intermediates', async () => {
    const before = memory();
    // 16 images make the filter gradient split its sum, so the partial sums are freed too.
    const x = input([16, 3, 12, 12], 12);
    const w = input([8, 3, 3, 3], 13);
    const loss = (a: Tensor, b: Tensor) =>
      avgPool2d(maxPool2d(conv2d(a, b, { padding: 1 }).relu(), { kernelSize: 2 }), {
        kernelSize: 2,
      }).sum();
    const [gx, gw] = grads(loss)([x, w]);
    await gx.data();
    await gw.data();
    for (const t of [x, w, gx, gw]) t.dispose();
    expect(memory().buffers).toBe(before.buffers);
    expect(memory().bytes).toBe(before.bytes);
  });

  test('oversized operand rejected before launch', async () => {
    const small = await startWebGPU({ maxBindingBytes: 4096 }, 'webgpu-small');
    try {
      const x = input([1, 2, 32, 32], 16);
      const w = input([2, 2, 3, 3], 17);
      const before = small.backend!.memory();
      let error: unknown;
      try {
        conv2d(x, w);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(BackendError);
      expect(String(error)).toMatch(/Conv2D cannot split its input of 8192 bytes/);
      expect(String(error)).toMatch(/maxStorageBufferBindingSize/);
      expect(small.backend!.memory()).toEqual(before);
      expect(() => maxPool2d(x, { kernelSize: 2 })).toThrow(/MaxPool2D cannot split its input/);
      x.dispose();
      w.dispose();
    } finally {
      await small.stop();
    }
  });
});
