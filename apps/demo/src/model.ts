import { Linear, ReLU, Sequential } from '@tessera/nn';

/** The demo's classifier: 784 pixels -> hidden ReLU units -> 10 digit logits. */
export function buildMlp(hidden: number, seed: number): Sequential {
  return new Sequential(
    new Linear(784, hidden, { seed }),
    new ReLU(),
    new Linear(hidden, 10, { seed: seed + 100 }),
  );
}
