import {
  avgPool2d,
  avgPool2dBackward,
  type Conv2DAttrs,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dWithAttrs,
  maxPool2d,
  maxPool2dBackward,
  type Pool2DAttrs,
} from '@tessera/tensor';
import { test } from 'vitest';
import { describeEachMode, expectMatchesCpu, seededValues } from './helpers';

interface ConvCase {
  name: string;
  x: number[];
  weight: number[];
  attrs: Conv2DAttrs;
}

function outputLength(
  size: number,
  pads: number,
  kernel: number,
  stride: number,
  dilation: number,
) {
  return Math.floor((size + pads - dilation * (kernel - 1) - 1) / stride) + 1;
}

function outputShape({ x, weight, attrs }: ConvCase): number[] {
  const [top, bottom, left, right] = attrs.padding;
  return [
    x[0],
    weight[0],
    outputLength(x[2], top + bottom, weight[2], attrs.stride[0], attrs.dilation[0]),
    outputLength(x[3], left + right, weight[3], attrs.stride[1], attrs.dilation[1]),
  ];
}

const CONV_CASES: ConvCase[] = [
  {
    name: 'plain 3x3',
    x: [2, 3, 7, 6],
    weight: [4, 3, 3, 3],
    attrs: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 },
  },
  {
    name: 'padded and strided',
    x: [1, 2, 9, 8],
    weight: [3, 2, 3, 2],
    attrs: { stride: [2, 3], padding: [1, 2, 0, 1], dilation: [1, 1], groups: 1 },
  },
  {
    name: 'dilated',
    x: [1, 1, 10, 10],
    weight: [2, 1, 3, 3],
    attrs: { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [2, 2], groups: 1 },
  },
  {
    name: 'grouped',
    x: [2, 4, 5, 5],
    weight: [6, 2, 3, 3],
    attrs: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 2 },
  },
];

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

describeEachMode('Conv2D and its gradients', (context) => {
  for (const testCase of CONV_CASES) {
    const { attrs } = testCase;
    const x = { shape: testCase.x, values: seededValues(size(testCase.x), 1) };
    const weight = { shape: testCase.weight, values: seededValues(size(testCase.weight), 2) };
    const dyShape = outputShape(testCase);
    const dy = { shape: dyShape, values: seededValues(size(dyShape), 3) };

    test(`${testCase.name}: forward`, async () => {
      await expectMatchesCpu(
        context,
        [x, weight],
        (a, w) => conv2dWithAttrs(a, w, attrs, dyShape),
        1e-5,
      );
    });

    test(`${testCase.name}: input gradient`, async () => {
      const op = (g: Parameters<typeof conv2dBackpropInput>[0], w: typeof g) =>
        conv2dBackpropInput(g, w, testCase.x, attrs);
      await expectMatchesCpu(context, [dy, weight], op, 1e-5);
    });

    test(`${testCase.name}: filter gradient`, async () => {
      const op = (a: Parameters<typeof conv2dBackpropFilter>[0], g: typeof a) =>
        conv2dBackpropFilter(a, g, testCase.weight, attrs);
      await expectMatchesCpu(context, [x, dy], op, 1e-5);
    });
  }

  test('filter gradient over a large batch runs in parts', async () => {
    const attrs: Conv2DAttrs = {
      stride: [1, 1],
      padding: [1, 1, 1, 1],
      dilation: [1, 1],
      groups: 1,
    };
    const x = { shape: [40, 2, 24, 24], values: seededValues(40 * 2 * 576, 4) };
    const dy = { shape: [40, 3, 24, 24], values: seededValues(40 * 3 * 576, 5) };
    await expectMatchesCpu(
      context,
      [x, dy],
      (a, g) => conv2dBackpropFilter(a, g, [3, 2, 3, 3], attrs),
      1e-4,
    );
  });

  test('conv2d op with bias and same padding', async () => {
    const x = { shape: [1, 2, 5, 5], values: seededValues(50, 6) };
    const weight = { shape: [3, 2, 3, 3], values: seededValues(54, 7) };
    const bias = { shape: [3], values: [0.5, -1, 2] };
    const op = (a: Parameters<typeof conv2d>[0], w: typeof a, b: typeof a) =>
      conv2d(a, w, { padding: 'same', bias: b });
    await expectMatchesCpu(context, [x, weight, bias], op, 1e-5);
  });
});

const POOL_CASES: { name: string; attrs: Pool2DAttrs }[] = [
  {
    name: '2x2 stride 2',
    attrs: { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0], dilation: [1, 1] },
  },
  {
    name: '3x3 stride 1 padded',
    attrs: { kernelSize: [3, 3], stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1] },
  },
  {
    name: '3x2 stride 2 uneven padding',
    attrs: { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0, 0, 1], dilation: [1, 1] },
  },
];

describeEachMode('Pooling and its gradients', (context) => {
  const xShape = [2, 2, 6, 5];
  // Repeated values make ties, so "the first maximum" is exercised.
  const x = { shape: xShape, values: seededValues(120, 8).map((v) => Math.round(v * 3)) };

  for (const { name, attrs } of POOL_CASES) {
    const [top, bottom, left, right] = attrs.padding;
    const outH = outputLength(6, top + bottom, attrs.kernelSize[0], attrs.stride[0], 1);
    const outW = outputLength(5, left + right, attrs.kernelSize[1], attrs.stride[1], 1);
    const dy = { shape: [2, 2, outH, outW], values: seededValues(4 * outH * outW, 9) };

    test(`${name}: max pool and its gradient`, async () => {
      await expectMatchesCpu(context, [x], (a) => maxPool2d(a, attrs), 0);
      await expectMatchesCpu(context, [dy, x], (g, a) => maxPool2dBackward(g, a, attrs), 1e-6);
    });

    for (const countIncludePad of [true, false]) {
      test(`${name}: average pool, countIncludePad ${countIncludePad}`, async () => {
        const avg = { ...attrs, countIncludePad };
        await expectMatchesCpu(context, [x], (a) => avgPool2d(a, avg), 1e-6);
        await expectMatchesCpu(context, [dy], (g) => avgPool2dBackward(g, xShape, avg), 1e-6);
      });
    }
  }

  test('dilated max pool and NaN windows', async () => {
    const attrs: Pool2DAttrs = {
      kernelSize: [2, 2],
      stride: [1, 1],
      padding: [1, 1, 1, 1],
      dilation: [2, 2],
    };
    const values = seededValues(120, 10);
    values[7] = Number.NaN;
    const withNaN = { shape: xShape, values };
    await expectMatchesCpu(context, [withNaN], (a) => maxPool2d(a, attrs), 0);
    const dy = { shape: [2, 2, 6, 5], values: seededValues(120, 11) };
    await expectMatchesCpu(context, [dy, withNaN], (g, a) => maxPool2dBackward(g, a, attrs), 1e-6);
  });
});
