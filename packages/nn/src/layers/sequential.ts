import type { Tensor } from '@tessera/tensor';
import { Module } from '../module';

/**
 * Runs modules one after another. Children are named by position, so parameters are named
 * `0.weight`, `2.bias` as in PyTorch's `nn.Sequential`.
 *
 * @example
 * const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 */
export class Sequential extends Module {
  constructor(...layers: Module[]) {
    super();
    layers.forEach((layer, i) => {
      (this as unknown as Record<string, Module>)[String(i)] = layer;
    });
  }

  /** The layers in order. */
  get layers(): Module[] {
    return this.children();
  }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const layer of this.layers) out = layer.forward(out);
    return out;
  }
}
