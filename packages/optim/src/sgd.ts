import type { Tensor } from '@tessera/tensor';
import { ValueError } from '@tessera/tensor';
import { checkNonNegative, Optimizer, type ParamGroup, type ParamsInput } from './optimizer';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
 * with PyTorch's update: g += wd p; b = m b + (1 - dampening) g (b = g on the first step);
 * g = g + m b with Nesterov, else b; p -= lr g.
 *
 * @example
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...options });
  }

  protected validate(group: ParamGroup<SGDOptions>): void {
    checkNonNegative('SGD', 'lr', group.lr);
    checkNonNegative('SGD', 'momentum', group.momentum);
    checkNonNegative('SGD', 'weightDecay', group.weightDecay);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new ValueError('SGD: Nesterov momentum requires momentum > 0 and dampening = 0');
    }
  }

  protected update(
    param: Tensor,
    grad: Tensor,
    state: Record<string, Tensor>,
    group: ParamGroup<SGDOptions>,
  ): void {
    let g = group.weightDecay === 0 ? grad : grad.add(param.mul(group.weightDecay));
    if (group.momentum !== 0) {
      const existing = state.momentumBuffer;
      const buffer = this.stateTensor(state, 'momentumBuffer', () => g.clone());
      if (existing !== undefined) {
        buffer.mul_(group.momentum);
        buffer.add_(group.dampening === 0 ? g : g.mul(1 - group.dampening));
      }
      g = group.nesterov ? g.add(buffer.mul(group.momentum)) : buffer;
    }
    param.sub_(g.mul(group.lr));
  }
}
