import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential } from '@tessera/nn';
import type { Tensor } from '@tessera/tensor';

export const MODEL_NAMES = ['mlp', 'cnn'] as const;

export type ModelName = (typeof MODEL_NAMES)[number];

/** Builds the demo's MLP: 784 pixels -> hidden ReLU units -> 10 digit logits. */
export function buildMlp(hidden: number, seed: number): Sequential {
  return new Sequential(
    new Linear(784, hidden, { seed }),
    new ReLU(),
    new Linear(hidden, 10, { seed: seed + 100 }),
  );
}

/**
 * A small CNN: two 3x3 convolutions (16 and 32 channels, 'same' padding), each followed by
 * ReLU and 2x2 max pooling, then dense layers from 32 x 7 x 7 features to 128 ReLU units
 * (with dropout 0.25) to 10 logits.
 * It reshapes the flat 784-pixel rows to [N, 1, 28, 28] itself.
 */
export class MnistCnn extends Module {
  features: Sequential;
  classifier: Sequential;

  constructor(seed: number) {
    super();
    this.features = new Sequential(
      new Conv2d(1, 16, 3, { padding: 'same', seed }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(16, 32, 3, { padding: 'same', seed: seed + 10 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
    );
    this.classifier = new Sequential(
      new Linear(32 * 7 * 7, 128, { seed: seed + 20 }),
      new ReLU(),
      new Dropout(0.25, { seed: seed + 30 }),
      new Linear(128, 10, { seed: seed + 40 }),
    );
  }

  forward(x: Tensor): Tensor {
    const images = x.reshape([-1, 1, 28, 28]);
    return this.classifier.forward(this.features.forward(images));
  }
}

export function buildModel(name: ModelName, hidden: number, seed: number): Module {
  return name === 'cnn' ? new MnistCnn(seed) : buildMlp(hidden, seed);
}
