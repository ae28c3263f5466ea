import { Adam, AdamW, SGD } from '@tessera/optim';
import type { Tensor } from '@tessera/tensor';

export const OPTIMIZER_NAMES = ['adam', 'adamw', 'sgd'] as const;

export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Builds the optimizer that `--optimizer` names; SGD gets Nesterov momentum 0.9. */
export function buildOptimizer(
  name: OptimizerName,
  params: Tensor[],
  lr: number,
): Adam | AdamW | SGD {
  switch (name) {
    case 'adam':
      return new Adam(params, { lr });
    case 'adamw':
      return new AdamW(params, { lr });
    case 'sgd':
      return new SGD(params, { lr, momentum: 0.9, nesterov: true });
  }
}

/** Returns the starting learning rate for `--optimizer` when `--lr` is not given (tuned on this demo's split). */
export function defaultLr(name: OptimizerName): number {
  return name === 'sgd' ? 0.05 : 3e-3;
}
