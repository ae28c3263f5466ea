import { formatShape, randomUniform, ShapeError, type Tensor } from '@tessera/tensor';
import { kaimingUniform } from '../init';
import { Module } from '../module';
import { parameter } from '../parameter';

export interface LinearOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
  /** Seed for the initial weights; without it the global generator (`manualSeed`) is used. */
  seed?: number;
  dtype?: 'float32' | 'float64';
}

/**
 * y = x Wᵀ + b, with W of shape [outFeatures, inFeatures] as in PyTorch, so weights move
 * between the two unchanged. Initialised as PyTorch does: W and b from
 * U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)).
 *
 * @example
 * const fc = new Linear(784, 128);
 * const y = fc.forward(x); // x: [batch, 784] -> y: [batch, 128]
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const { seed, dtype } = options;
    // kaiming_uniform with a = sqrt(5) reduces to the bound 1 / sqrt(fanIn).
    this.weight = parameter(
      kaimingUniform([outFeatures, inFeatures], { a: Math.sqrt(5), seed, dtype }),
    );
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    const biasSeed = seed === undefined ? undefined : seed + 1;
    this.bias =
      options.bias === false
        ? null
        : parameter(
            randomUniform([outFeatures], { low: -bound, high: bound, seed: biasSeed, dtype }),
          );
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear: input of shape ${formatShape(x.shape)} does not end in inFeatures = ${this.inFeatures}`,
      );
    }
    const product = x.matmul(this.weight, { transposeB: true });
    return this.bias === null ? product : product.add(this.bias);
  }

  protected override describe(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
