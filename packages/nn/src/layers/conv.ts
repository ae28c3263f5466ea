import {
  avgPool2d,
  type Conv2DOptions,
  conv2d,
  maxPool2d,
  type Padding2D,
  randomUniform,
  type Tensor,
  ValueError,
} from '@tessera/tensor';
import { kaimingUniform } from '../init';
import { Module } from '../module';
import { parameter } from '../parameter';

type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Conv2DOptions['padding'];
  dilation?: Pair;
  groups?: number;
  /** Add a learned bias per output channel (default true). */
  bias?: boolean;
  /** Seed for the initial weights; without it the global generator (`manualSeed`) is used. */
  seed?: number;
  dtype?: 'float32' | 'float64';
}

/**
 * 2-D convolution over NCHW input with a weight of shape [out, in / groups, kH, kW], as
 * PyTorch's `nn.Conv2d` (same names in the state dict, same default initialisation:
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias).
 *
 * @example
 * const conv = new Conv2d(1, 16, 3, { padding: 1 }); // [N,1,28,28] -> [N,16,28,28]
 */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  private readonly options: Conv2DOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Pair,
    options: Conv2dOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ValueError(
        `Conv2d: groups ${groups} must divide inChannels (${inChannels}) and outChannels (${outChannels})`,
      );
    }
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    const { seed, dtype } = options;
    const shape = [outChannels, inChannels / groups, kh, kw];
    this.weight = parameter(kaimingUniform(shape, { a: Math.sqrt(5), seed, dtype }));
    const fanIn = (inChannels / groups) * kh * kw;
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    const biasSeed = seed === undefined ? undefined : seed + 1;
    this.bias =
      options.bias === false
        ? null
        : parameter(
            randomUniform([outChannels], { low: -bound, high: bound, seed: biasSeed, dtype }),
          );
    this.options = {
      stride: options.stride,
      padding: options.padding,
      dilation: options.dilation,
      groups,
    };
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, { ...this.options, bias: this.bias ?? undefined });
  }

  protected override describe(): string {
    const padding = JSON.stringify(this.options.padding ?? 0);
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.options.stride ?? 1)}, padding=${padding}`;
  }
}

export interface Pool2dOptions {
  /** Default: the kernel size. */
  stride?: Pair;
  padding?: Padding2D;
}

/** Maximum over sliding windows, as PyTorch's `nn.MaxPool2d`. */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    private readonly options: Pool2dOptions & { dilation?: Pair } = {},
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, { kernelSize: this.kernelSize, ...this.options });
  }

  protected override describe(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}`;
  }
}

/** Mean over sliding windows, as PyTorch's `nn.AvgPool2d`. */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    private readonly options: Pool2dOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, { kernelSize: this.kernelSize, ...this.options });
  }

  protected override describe(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}`;
  }
}
