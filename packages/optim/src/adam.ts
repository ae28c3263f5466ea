import type { Tensor } from '@tessera/tensor';
import {
  checkBeta,
  checkNonNegative,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
} from './optimizer';

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad). */
  amsgrad: boolean;
}

const ADAM_DEFAULTS: Omit<AdamOptions, 'lr'> = {
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
};

function validateAdam(name: string, group: ParamGroup<AdamOptions>): void {
  checkNonNegative(name, 'lr', group.lr);
  checkNonNegative(name, 'eps', group.eps);
  checkNonNegative(name, 'weightDecay', group.weightDecay);
  checkBeta(name, 'betas[0]', group.betas[0]);
  checkBeta(name, 'betas[1]', group.betas[1]);
}

/** Takes one bias-corrected Adam step on `param` with gradient `g` and stores the new moments in `state`. */
function adamStep(
  param: Tensor,
  g: Tensor,
  state: Record<string, Tensor>,
  group: ParamGroup<AdamOptions>,
  step: number,
): Tensor {
  const [beta1, beta2] = group.betas;
  const m =
    state.expAvg === undefined ? g.mul(1 - beta1) : state.expAvg.mul(beta1).add(g.mul(1 - beta1));
  const v =
    state.expAvgSq === undefined
      ? g.square().mul(1 - beta2)
      : state.expAvgSq.mul(beta2).add(g.square().mul(1 - beta2));
  state.expAvg = m;
  state.expAvgSq = v;
  let second = v;
  if (group.amsgrad) {
    second = state.maxExpAvgSq === undefined ? v : state.maxExpAvgSq.maximum(v);
    state.maxExpAvgSq = second;
  }
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const denominator = second.div(correction2).sqrt().add(group.eps);
  return param.sub(m.div(denominator).mul(group.lr / correction1));
}

/**
 * Adam with bias correction. `weightDecay` adds wd * p to the gradient (L2, as PyTorch's
 * Adam); for decoupled decay use `AdamW`.
 *
 * @example
 * const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, ...ADAM_DEFAULTS, ...options });
  }

  protected validate(group: ParamGroup<AdamOptions>): void {
    validateAdam('Adam', group);
  }

  protected update(
    param: Tensor,
    grad: Tensor,
    state: Record<string, Tensor>,
    group: ParamGroup<AdamOptions>,
    step: number,
  ): Tensor {
    const g = group.weightDecay === 0 ? grad : grad.add(param.mul(group.weightDecay));
    return adamStep(param, g, state, group, step);
  }
}

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): the weights shrink by
 * lr * weightDecay before the Adam step, and the decay never enters the moments.
 * Default weightDecay 0.01, as PyTorch.
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, ...ADAM_DEFAULTS, weightDecay: 0.01, ...options });
  }

  protected validate(group: ParamGroup<AdamOptions>): void {
    validateAdam('AdamW', group);
  }

  protected update(
    param: Tensor,
    grad: Tensor,
    state: Record<string, Tensor>,
    group: ParamGroup<AdamOptions>,
    step: number,
  ): Tensor {
    const decayed = group.weightDecay === 0 ? param : param.mul(1 - group.lr * group.weightDecay);
    return adamStep(decayed, grad, state, group, step);
  }
}
