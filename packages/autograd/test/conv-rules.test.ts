import { checkGradients } from '@tessera/autograd';
import {
  avgPool2d,
  avgPool2dBackward,
  type Conv2DAttrs,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  maxPool2d,
  randomUniform,
  type Tensor,
} from '@tessera/tensor';
import { describe, it } from 'vitest';

function input(shape: number[], seed: number): Tensor {
  return randomUniform(shape, { low: -1, high: 1, seed, dtype: 'float64' });
}

describe('convolution gradient rules against finite differences', () => {
  it('conv2d with stride, padding, dilation and groups', async () => {
    const options = {
      stride: [2, 1] as [number, number],
      padding: [1, 0, 2, 1] as [number, number, number, number],
      dilation: [1, 2] as [number, number],
      groups: 2,
    };
    await checkGradients(
      (x, w) => conv2d(x, w, options),
      [input([2, 4, 6, 7], 1), input([4, 2, 3, 2], 2)],
    );
  });

  it("conv2d with 'same' padding and a bias", async () => {
    await checkGradients(
      (x, w, b) => conv2d(x, w, { padding: 'same', bias: b }),
      [input([1, 2, 5, 5], 3), input([3, 2, 3, 3], 4), input([3], 5)],
    );
  });

  it('the backward kernels, for second derivatives', async () => {
    const attrs: Conv2DAttrs = {
      stride: [1, 2],
      padding: [1, 1, 0, 1],
      dilation: [1, 1],
      groups: 1,
    };
    const xShape = [1, 2, 5, 6];
    const wShape = [3, 2, 3, 3];
    const dyShape = [1, 3, 5, 3];
    await checkGradients(
      (dy, w) => conv2dBackpropInput(dy, w, xShape, attrs),
      [input(dyShape, 6), input(wShape, 7)],
    );
    await checkGradients(
      (x, dy) => conv2dBackpropFilter(x, dy, wShape, attrs),
      [input(xShape, 8), input(dyShape, 9)],
    );
  });
});

describe('pooling gradient rules against finite differences', () => {
  it('maxPool2d, overlapping windows without ties', async () => {
    await checkGradients(
      (x) => maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
      [input([2, 2, 7, 6], 10)],
    );
  });

  it('avgPool2d and its backward kernel', async () => {
    const options = { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false };
    await checkGradients((x) => avgPool2d(x, options), [input([1, 2, 7, 7], 11)]);
    const attrs = {
      kernelSize: [2, 2] as [number, number],
      stride: [2, 2] as [number, number],
      padding: [0, 0, 0, 0] as [number, number, number, number],
      dilation: [1, 1] as [number, number],
      countIncludePad: true,
    };
    await checkGradients(
      (dy) => avgPool2dBackward(dy, [1, 1, 4, 4], attrs),
      [input([1, 1, 2, 2], 12)],
    );
  });
});
