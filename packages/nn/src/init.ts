import {
  formatShape,
  randomNormal,
  randomUniform,
  type Shape,
  ShapeError,
  type Tensor,
  ValueError,
} from '@tessera/tensor';

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

export interface InitOptions {
  seed?: number;
  dtype?: 'float32' | 'float64';
}

/**
 * Fan-in and fan-out of a weight of `shape`, as PyTorch computes them: [out, in] for a linear
 * weight, [out, in, ...kernel] for a convolution (the kernel size multiplies both).
 */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new ShapeError(
      `init: fan in and fan out need a weight of rank >= 2, got shape ${formatShape(shape)}`,
    );
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** The recommended gain for a nonlinearity (PyTorch's `calculate_gain`). */
export function calculateGain(nonlinearity: Nonlinearity, negativeSlope = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + negativeSlope * negativeSlope));
  }
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (used when nonlinearity is leaky_relu). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(shape: Shape, options: KaimingOptions): number {
  const { fanIn, fanOut } = computeFans(shape);
  const fan = (options.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  if (fan === 0) throw new ValueError(`init: weight of shape ${formatShape(shape)} has a zero fan`);
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}

/**
 * He initialisation from U(-b, b) with b = gain * sqrt(3 / fan).
 *
 * @example
 * const w = kaimingUniform([128, 784], { nonlinearity: 'relu', seed: 0 });
 */
export function kaimingUniform(shape: Shape, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(shape, options);
  return randomUniform(shape, {
    low: -bound,
    high: bound,
    seed: options.seed,
    dtype: options.dtype,
  });
}

/** He initialisation from N(0, std²) with std = gain / sqrt(fan). */
export function kaimingNormal(shape: Shape, options: KaimingOptions = {}): Tensor {
  return randomNormal(shape, {
    std: kaimingStd(shape, options),
    seed: options.seed,
    dtype: options.dtype,
  });
}

/** Glorot initialisation from U(-b, b) with b = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(shape: Shape, options: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = computeFans(shape);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return randomUniform(shape, {
    low: -bound,
    high: bound,
    seed: options.seed,
    dtype: options.dtype,
  });
}

/** Glorot initialisation from N(0, std²) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(shape: Shape, options: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = computeFans(shape);
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return randomNormal(shape, { std, seed: options.seed, dtype: options.dtype });
}
