import { type Tensor, zerosLike } from '@tessera/tensor';
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

/**
 * Takes one bias-corrected Adam step on `param` with gradient `g`, updating the parameter and
 * the moments in place. `stateTensor` returns a moment, creating it as zeros on the first step.
 */
function adamStep(
  param: Tensor,
  g: Tensor,
  group: ParamGroup<AdamOptions>,
  step: number,
  stateTensor: (key: string) => Tensor,
): void {
  const [beta1, beta2] = group.betas;
  const m = stateTensor('expAvg');
  const v = stateTensor('expAvgSq');
  m.mul_(beta1).add_(g.mul(1 - beta1));
  v.mul_(beta2).add_(g.square().mul_(1 - beta2));
  let second = v;
  if (group.amsgrad) {
    second = stateTensor('maxExpAvgSq').maximum_(v);
  }
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const denominator = second.div(correction2).sqrt_().add_(group.eps);
  param.sub_(m.div(denominator).mul_(group.lr / correction1));
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
  ): void {
    const g = group.weightDecay === 0 ? grad : grad.add(param.mul(group.weightDecay));
    adamStep(param, g, group, step, (key) => this.stateTensor(state, key, () => zerosLike(param)));
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
  ): void {
    if (group.weightDecay !== 0) param.mul_(1 - group.lr * group.weightDecay);
    adamStep(param, grad, group, step, (key) =>
      this.stateTensor(state, key, () => zerosLike(param)),
    );
  }
}
