import { isFloatDType } from '../dtype';
import { ENGINE } from '../engine';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors';
import type { Conv2DAttrs, Pool2DAttrs } from '../kernels';
import type { Tensor } from '../tensor';

type Pair = number | readonly [number, number];
export type Padding2D =
  | number
  | readonly [number, number]
  | readonly [number, number, number, number];

export interface Conv2DOptions {
  stride?: Pair;
  /** A number, [vertical, horizontal], [top, bottom, left, right], 'valid' (0) or 'same'. */
  padding?: Padding2D | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  /** Added per output channel: shape [O]. */
  bias?: Tensor;
}

function pair(op: string, name: string, value: Pair, minimum: number): [number, number] {
  const result: [number, number] =
    typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (!result.every((v) => Number.isInteger(v) && v >= minimum)) {
    throw new ValueError(
      `${op}: ${name} must be an integer >= ${minimum} or a pair of them, got ${JSON.stringify(value)}`,
    );
  }
  return result;
}

function explicitPadding(op: string, padding: Padding2D): [number, number, number, number] {
  const list = typeof padding === 'number' ? [padding, padding] : [...padding];
  const full = list.length === 2 ? [list[0], list[0], list[1], list[1]] : list;
  if (full.length !== 4 || !full.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new ValueError(
      `${op}: padding must be integers >= 0 (one, a pair, or four), got ${JSON.stringify(padding)}`,
    );
  }
  return full as [number, number, number, number];
}

/** Output length of a window sliding over `size` cells (PyTorch's formula). */
function outputLength(
  size: number,
  before: number,
  after: number,
  kernel: number,
  stride: number,
  dilation: number,
): number {
  return Math.floor((size + before + after - dilation * (kernel - 1) - 1) / stride) + 1;
}

function checkInput4D(op: string, x: Tensor): void {
  x.throwIfDisposed(op);
  if (x.rank !== 4)
    throw new ShapeError(`${op}: input of shape ${formatShape(x.shape)} must be 4-D [N, C, H, W]`);
  if (!isFloatDType(x.dtype))
    throw new DTypeError(`${op}: input must be a float tensor, got ${x.dtype}`);
}

function outputSpatial(
  op: string,
  x: Tensor,
  kernel: readonly number[],
  attrs: Omit<Conv2DAttrs, 'groups'>,
): [number, number] {
  const [top, bottom, left, right] = attrs.padding;
  const outH = outputLength(x.shape[2], top, bottom, kernel[0], attrs.stride[0], attrs.dilation[0]);
  const outW = outputLength(x.shape[3], left, right, kernel[1], attrs.stride[1], attrs.dilation[1]);
  if (outH <= 0 || outW <= 0) {
    throw new ShapeError(
      `${op}: input of shape ${formatShape(x.shape)} with padding [${attrs.padding}] is smaller than ` +
        `the dilated kernel [${kernel.map((k, i) => attrs.dilation[i] * (k - 1) + 1)}]`,
    );
  }
  return [outH, outW];
}

function resolveConvPadding(
  padding: Conv2DOptions['padding'],
  kernel: number[],
  dilation: number[],
  stride: number[],
) {
  if (padding === 'valid' || padding === undefined) return explicitPadding('conv2d', 0);
  if (padding !== 'same') return explicitPadding('conv2d', padding);
  if (stride[0] !== 1 || stride[1] !== 1) {
    throw new ValueError(`conv2d: padding 'same' needs stride 1, got stride [${stride}]`);
  }
  const total = kernel.map((k, i) => dilation[i] * (k - 1));
  const top = Math.floor(total[0] / 2);
  const left = Math.floor(total[1] / 2);
  return [top, total[0] - top, left, total[1] - left] as [number, number, number, number];
}

function checkWeight(x: Tensor, weight: Tensor, groups: number): void {
  if (weight.rank !== 4) {
    throw new ShapeError(
      `conv2d: weight of shape ${formatShape(weight.shape)} must be 4-D [O, C / groups, kH, kW]`,
    );
  }
  if (
    !Number.isInteger(groups) ||
    groups < 1 ||
    x.shape[1] % groups !== 0 ||
    weight.shape[0] % groups !== 0
  ) {
    throw new ValueError(
      `conv2d: groups ${groups} must be a positive integer dividing the input channels (${x.shape[1]}) ` +
        `and the output channels (${weight.shape[0]})`,
    );
  }
  if (weight.shape[1] * groups !== x.shape[1]) {
    throw new ShapeError(
      `conv2d: input of shape ${formatShape(x.shape)} has ${x.shape[1]} channels, but weight of shape ` +
        `${formatShape(weight.shape)} with groups ${groups} expects ${weight.shape[1] * groups}`,
    );
  }
  if (weight.dtype !== x.dtype) {
    throw new DTypeError(`conv2d: input and weight dtypes differ (${x.dtype} and ${weight.dtype})`);
  }
}

/**
 * 2-D cross-correlation over NCHW input, as PyTorch's `F.conv2d`.
 *
 * @example
 * const y = conv2d(x, w, { padding: 'same', bias: b }); // x [N,C,H,W], w [O,C,3,3] -> [N,O,H,W]
 */
export function conv2d(x: Tensor, weight: Tensor, options: Conv2DOptions = {}): Tensor {
  checkInput4D('conv2d', x);
  const groups = options.groups ?? 1;
  checkWeight(x, weight, groups);
  const stride = pair('conv2d', 'stride', options.stride ?? 1, 1);
  const dilation = pair('conv2d', 'dilation', options.dilation ?? 1, 1);
  const kernel = [weight.shape[2], weight.shape[3]];
  const padding = resolveConvPadding(options.padding, kernel, dilation, stride);
  const attrs: Conv2DAttrs = { stride, padding, dilation, groups };
  const [outH, outW] = outputSpatial('conv2d', x, kernel, attrs);
  const shape = [x.shape[0], weight.shape[0], outH, outW];
  const bias = options.bias;
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(
      `conv2d: bias of shape ${formatShape(bias.shape)} must be [${weight.shape[0]}]`,
    );
  }
  const output = ENGINE.runKernel('Conv2D', [x, weight], attrs, { shape, dtype: x.dtype });
  if (bias === undefined) return output;
  const biased = output.add(bias.reshape([1, weight.shape[0], 1, 1]));
  if (!biased.requiresGrad) output.dispose();
  return biased;
}

export interface Pool2DOptions {
  kernelSize: Pair;
  /** Default: the kernel size. */
  stride?: Pair;
  padding?: Padding2D;
  dilation?: Pair;
}

function poolAttrs(
  op: string,
  x: Tensor,
  options: Pool2DOptions,
  allowDilation: boolean,
): { attrs: Pool2DAttrs; shape: number[] } {
  checkInput4D(op, x);
  const kernelSize = pair(op, 'kernelSize', options.kernelSize, 1);
  const stride = pair(op, 'stride', options.stride ?? kernelSize, 1);
  const dilation = pair(op, 'dilation', options.dilation ?? 1, 1);
  if (!allowDilation && (dilation[0] !== 1 || dilation[1] !== 1)) {
    throw new ValueError(`${op}: dilation is not supported, got [${dilation}]`);
  }
  const padding = explicitPadding(op, options.padding ?? 0);
  // As PyTorch: padding beyond half the window would make windows of padding alone.
  padding.forEach((p, i) => {
    const axis = i < 2 ? 0 : 1;
    const half = Math.floor((dilation[axis] * (kernelSize[axis] - 1) + 1) / 2);
    if (p > half) {
      throw new ValueError(
        `${op}: padding [${padding}] must be at most half the window (${half}) on each side`,
      );
    }
  });
  const attrs: Pool2DAttrs = { kernelSize, stride, padding, dilation };
  const [outH, outW] = outputSpatial(op, x, kernelSize, attrs);
  return { attrs, shape: [x.shape[0], x.shape[1], outH, outW] };
}

/**
 * Maximum over sliding windows of NCHW input, as PyTorch's `F.max_pool2d`.
 *
 * @example
 * maxPool2d(x, { kernelSize: 2 }); // [N, C, 28, 28] -> [N, C, 14, 14]
 */
export function maxPool2d(x: Tensor, options: Pool2DOptions): Tensor {
  const { attrs, shape } = poolAttrs('maxPool2d', x, options, true);
  return ENGINE.runKernel('MaxPool2D', [x], attrs, { shape, dtype: x.dtype });
}

/** Mean over sliding windows of NCHW input, as PyTorch's `F.avg_pool2d` (count_include_pad default true). */
export function avgPool2d(
  x: Tensor,
  options: Omit<Pool2DOptions, 'dilation'> & { countIncludePad?: boolean },
): Tensor {
  const { attrs, shape } = poolAttrs('avgPool2d', x, options, false);
  const countIncludePad = options.countIncludePad ?? true;
  return ENGINE.runKernel(
    'AvgPool2D',
    [x],
    { ...attrs, countIncludePad },
    { shape, dtype: x.dtype },
  );
}

/** @internal Gradient helpers for autograd: the backward kernels as ops. */
export function conv2dBackpropInput(
  dy: Tensor,
  weight: Tensor,
  inputShape: readonly number[],
  attrs: Conv2DAttrs,
): Tensor {
  return ENGINE.runKernel('Conv2DBackpropInput', [dy, weight], attrs, {
    shape: inputShape,
    dtype: dy.dtype,
  });
}

/** @internal */
export function conv2dBackpropFilter(
  x: Tensor,
  dy: Tensor,
  weightShape: readonly number[],
  attrs: Conv2DAttrs,
): Tensor {
  return ENGINE.runKernel('Conv2DBackpropFilter', [x, dy], attrs, {
    shape: weightShape,
    dtype: x.dtype,
  });
}

/** @internal */
export function conv2dWithAttrs(
  x: Tensor,
  weight: Tensor,
  attrs: Conv2DAttrs,
  shape: readonly number[],
): Tensor {
  return ENGINE.runKernel('Conv2D', [x, weight], attrs, { shape, dtype: x.dtype });
}

/** @internal */
export function maxPool2dBackward(dy: Tensor, x: Tensor, attrs: Pool2DAttrs): Tensor {
  return ENGINE.runKernel('MaxPool2DBackward', [dy, x], attrs, { shape: x.shape, dtype: x.dtype });
}

/** @internal */
export function avgPool2dBackward(
  dy: Tensor,
  inputShape: readonly number[],
  attrs: Pool2DAttrs & { countIncludePad: boolean },
): Tensor {
  return ENGINE.runKernel('AvgPool2DBackward', [dy], attrs, { shape: inputShape, dtype: dy.dtype });
}

/** @internal */
export function avgPool2dWithAttrs(
  x: Tensor,
  attrs: Pool2DAttrs & { countIncludePad: boolean },
  shape: readonly number[],
): Tensor {
  return ENGINE.runKernel('AvgPool2D', [x], attrs, { shape, dtype: x.dtype });
}
