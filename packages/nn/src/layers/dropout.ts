import { allocArray, Random, type Tensor, tensor, ValueError } from '@tessera/tensor';
import { Module } from '../module';

/**
 * Zeroes each element with probability `p` during training and scales the survivors by
 * 1 / (1 - p) (inverted dropout), so evaluation needs no rescaling; in eval mode it is the
 * identity. The mask comes from a seeded generator, so runs with one seed repeat exactly.
 *
 * @example
 * const drop = new Dropout(0.3, { seed: 1 });
 * drop.eval().forward(x); // x itself
 */
export class Dropout extends Module {
  private readonly random: Random;

  constructor(
    readonly p = 0.5,
    options: { seed?: number } = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError(`Dropout: p must be in [0, 1], got ${p}`);
    this.random = new Random(options.seed ?? new Random(Date.now() >>> 0).nextUint32());
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return x.mul(0);
    const scale = 1 / (1 - this.p);
    const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
    const mask = allocArray(dtype, x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.random.uniform() >= this.p ? scale : 0;
    const maskTensor = tensor(mask, x.shape, dtype);
    const output = x.mul(maskTensor);
    if (!output.requiresGrad) maskTensor.dispose();
    return output;
  }

  protected override describe(): string {
    return `p=${this.p}`;
  }
}
