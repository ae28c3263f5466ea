import { avgPool2d, conv2d, maxPool2d, randomUniform, type Tensor, tensor } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectValues, useCpu } from './helpers';

beforeAll(useCpu);

interface ConvSpec {
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** Direct float64 convolution with explicit loops: the reference. */
function referenceConv(
  x: Tensor,
  w: Tensor,
  spec: ConvSpec,
): { values: number[]; shape: number[] } {
  const xs = x.dataSync();
  const ws = w.dataSync();
  const [n, c, h, wd] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  const [t, b, l, r] = spec.padding;
  const outH = Math.floor((h + t + b - spec.dilation[0] * (kh - 1) - 1) / spec.stride[0]) + 1;
  const outW = Math.floor((wd + l + r - spec.dilation[1] * (kw - 1) - 1) / spec.stride[1]) + 1;
  const og = o / spec.groups;
  const values: number[] = [];
  for (let ni = 0; ni < n; ni++)
    for (let oi = 0; oi < o; oi++)
      for (let y = 0; y < outH; y++)
        for (let xo = 0; xo < outW; xo++) {
          let sum = 0;
          const group = Math.floor(oi / og);
          for (let ci = 0; ci < cg; ci++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = y * spec.stride[0] - t + ky * spec.dilation[0];
                const ix = xo * spec.stride[1] - l + kx * spec.dilation[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                const channel = group * cg + ci;
                sum +=
                  xs[((ni * c + channel) * h + iy) * wd + ix] *
                  ws[((oi * cg + ci) * kh + ky) * kw + kx];
              }
          values.push(sum);
        }
  return { values, shape: [n, o, outH, outW] };
}

describe('conv2d', () => {
  const cases: [string, number[], number[], ConvSpec][] = [
    [
      'plain 3x3',
      [2, 3, 7, 6],
      [4, 3, 3, 3],
      { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 },
    ],
    [
      'padded, strided',
      [1, 2, 9, 8],
      [3, 2, 3, 2],
      { stride: [2, 3], padding: [1, 2, 0, 1], dilation: [1, 1], groups: 1 },
    ],
    [
      'dilated',
      [1, 1, 10, 10],
      [2, 1, 3, 3],
      { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [2, 2], groups: 1 },
    ],
    [
      'grouped',
      [2, 4, 5, 5],
      [6, 2, 3, 3],
      { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 2 },
    ],
    [
      'depthwise 1x1',
      [1, 3, 4, 4],
      [3, 1, 1, 1],
      { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 3 },
    ],
  ];
  for (const [name, xShape, wShape, spec] of cases) {
    it(`matches a direct float64 loop: ${name}`, () => {
      const x = randomUniform(xShape, { low: -1, high: 1, seed: 1 });
      const w = randomUniform(wShape, { low: -1, high: 1, seed: 2 });
      const expected = referenceConv(x, w, spec);
      const y = conv2d(x, w, {
        stride: spec.stride,
        padding: spec.padding,
        dilation: spec.dilation,
        groups: spec.groups,
      });
      expectValues(y, expected.values, { shape: expected.shape, tolerance: 1e-5 });
    });
  }

  // These are large enough that the forward pass makes several products, each overlapped with
  // the next one's im2col, and splits them across worker threads.
  const multiStepCases: [string, number[], number[], ConvSpec][] = [
    [
      'several chunks of images',
      [40, 10, 15, 13],
      [12, 10, 3, 3],
      { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 },
    ],
    [
      'several chunks, grouped, strided, dilated',
      [7, 24, 40, 37],
      [10, 12, 3, 3],
      { stride: [2, 2], padding: [2, 1, 2, 1], dilation: [2, 2], groups: 2 },
    ],
    [
      'one image per chunk',
      [2, 3, 160, 150],
      [5, 3, 3, 3],
      { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 },
    ],
  ];
  for (const [name, xShape, wShape, spec] of multiStepCases) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`matches a direct float64 loop: ${name}, ${dtype}`, () => {
        const x = randomUniform(xShape, { low: -1, high: 1, seed: 1, dtype });
        const w = randomUniform(wShape, { low: -1, high: 1, seed: 2, dtype });
        const expected = referenceConv(x, w, spec);
        const y = conv2d(x, w, {
          stride: spec.stride,
          padding: spec.padding,
          dilation: spec.dilation,
          groups: spec.groups,
        });
        expectValues(y, expected.values, { shape: expected.shape, tolerance: 1e-4 });
      });
    }
  }

  it("keeps the spatial size with padding 'same'", () => {
    const x = randomUniform([1, 1, 5, 6], { seed: 3 });
    const w = randomUniform([1, 1, 4, 3], { seed: 4 });
    expect(conv2d(x, w, { padding: 'same' }).shape).toEqual([1, 1, 5, 6]);
    const expected = referenceConv(x, w, {
      stride: [1, 1],
      padding: [1, 2, 1, 1],
      dilation: [1, 1],
      groups: 1,
    });
    expectValues(conv2d(x, w, { padding: 'same' }), expected.values, { tolerance: 1e-5 });
  });

  it('adds the bias per output channel', () => {
    const x = tensor(new Float32Array(4).fill(1), [1, 1, 2, 2]);
    const w = tensor([1], [1, 1, 1, 1]);
    const y = conv2d(x, w, { bias: tensor([0.5]) });
    expectValues(y, [1.5, 1.5, 1.5, 1.5]);
  });

  it('rejects mismatched channels, a bad groups value and an oversized kernel', () => {
    const x = tensor(new Float32Array(2 * 3 * 4 * 4), [2, 3, 4, 4]);
    expect(() => conv2d(x, tensor(new Float32Array(8 * 2 * 9), [8, 2, 3, 3]))).toThrow(
      /conv2d: input of shape \[2,3,4,4\] has 3 channels, but weight of shape \[8,2,3,3\] with groups 1 expects 2/,
    );
    expect(() => conv2d(x, tensor(new Float32Array(4 * 9), [4, 1, 3, 3]), { groups: 2 })).toThrow(
      /groups 2 must be/,
    );
    expect(() => conv2d(x, tensor(new Float32Array(3 * 25), [1, 3, 5, 5]))).toThrow(
      /smaller than the dilated kernel \[5,5\]/,
    );
    expect(() => conv2d(tensor([1, 2]), tensor([1, 2]))).toThrow(/must be 4-D \[N, C, H, W\]/);
    expect(() =>
      conv2d(x, tensor(new Float32Array(3 * 9), [1, 3, 3, 3]), { padding: 'same', stride: 2 }),
    ).toThrow(/'same' needs stride 1/);
  });
});

describe('pooling', () => {
  const grid = () =>
    tensor(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
        [13, 14, 15, 16],
      ],
      [1, 1, 4, 4],
    );

  it('maxPool2d picks window maxima', () => {
    const x = grid();
    expectValues(maxPool2d(x, { kernelSize: 2 }), [6, 8, 14, 16], { shape: [1, 1, 2, 2] });
    expectValues(maxPool2d(x, { kernelSize: 3, stride: 1 }), [11, 12, 15, 16]);
    // Padding cells never win: the corner window sees only 1.
    expectValues(maxPool2d(x, { kernelSize: 2, padding: 1 }), [1, 3, 4, 9, 11, 12, 13, 15, 16]);
  });

  it('maxPool2d propagates NaN', () => {
    const withNaN = tensor([1, Number.NaN, 3, 4], [1, 1, 2, 2]);
    expectValues(maxPool2d(withNaN, { kernelSize: 2 }), [Number.NaN]);
  });

  it('avgPool2d with and without padding in the count', () => {
    const x = grid();
    expectValues(avgPool2d(x, { kernelSize: 2 }), [3.5, 5.5, 11.5, 13.5]);
    // Corner window with padding 1: only the value 1 is inside; counted over 4 or over 1.
    expect(avgPool2d(x, { kernelSize: 2, padding: 1 }).dataSync()[0]).toBe(0.25);
    expect(avgPool2d(x, { kernelSize: 2, padding: 1, countIncludePad: false }).dataSync()[0]).toBe(
      1,
    );
  });

  it('rejects padding over half the window', () => {
    const x = grid();
    expect(() => maxPool2d(x, { kernelSize: 2, padding: 2 })).toThrow(
      /at most half the window \(1\)/,
    );
  });
});
