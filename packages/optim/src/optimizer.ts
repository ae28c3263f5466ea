import { noGrad } from '@tessera/autograd';
import { keep, type Tensor, tidy, ValueError } from '@tessera/tensor';

/** A set of parameters that share hyper-parameters. */
export type ParamGroup<H> = H & { params: Tensor[] };

export type ParamsInput<H> =
  | readonly Tensor[]
  | readonly (Partial<H> & { params: readonly Tensor[] })[];

/**
 * The base of every optimizer: parameter groups with their hyper-parameters, per-parameter
 * state tensors, `step()` that reads each parameter's `.grad`, and `zeroGrad()`.
 */
export abstract class Optimizer<H extends { lr: number }> {
  readonly paramGroups: ParamGroup<H>[];
  /** Per-parameter state tensors (moment estimates, momentum buffers), owned by the optimizer. */
  protected readonly state = new Map<Tensor, Record<string, Tensor>>();
  /** Steps taken. */
  stepCount = 0;

  constructor(params: ParamsInput<H>, defaults: H) {
    const groups = isGroupList(params) ? params : [{ params }];
    this.paramGroups = groups.map(
      (group) => ({ ...defaults, ...group, params: [...group.params] }) as ParamGroup<H>,
    );
    const seen = new Set<Tensor>();
    for (const group of this.paramGroups) {
      this.validate(group);
      for (const p of group.params) {
        if (seen.has(p))
          throw new ValueError(`${this.constructor.name}: a parameter appears in two groups`);
        if (!p.requiresGrad) {
          throw new ValueError(
            `${this.constructor.name}: parameter of shape [${p.shape}] does not require gradients`,
          );
        }
        seen.add(p);
      }
    }
  }

  /** Checks a group's hyper-parameters; throws a ValueError naming the bad one. */
  protected abstract validate(group: ParamGroup<H>): void;

  /**
   * Updates `param` in place from its gradient, creating the state tensors it needs in `state`
   * (with `this.stateTensor`) on the first step and updating them in place after. `step`
   * counts this parameter's updates, starting at 1. Runs inside `noGrad` and `tidy`, so
   * temporaries are freed when it returns.
   */
  protected abstract update(
    param: Tensor,
    grad: Tensor,
    state: Record<string, Tensor>,
    group: ParamGroup<H>,
    step: number,
  ): void;
  /** Updates applied to each parameter (a parameter without a gradient is skipped). */
  protected readonly steps = new Map<Tensor, number>();

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        if (param.grad === null) continue;
        this.stepParameter(param, param.grad, group);
      }
    }
  }

  /**
   * Returns `state[key]`. On first use it stores `initial()` there, kept out of the step's tidy
   * scope so that it lives until `dispose()`.
   */
  protected stateTensor(state: Record<string, Tensor>, key: string, initial: () => Tensor): Tensor {
    const existing = state[key];
    if (existing !== undefined) return existing;
    const created = keep(initial());
    state[key] = created;
    return created;
  }

  private stepParameter(param: Tensor, grad: Tensor, group: ParamGroup<H>): void {
    let state = this.state.get(param);
    if (state === undefined) {
      state = {};
      this.state.set(param, state);
    }
    const step = (this.steps.get(param) ?? 0) + 1;
    this.steps.set(param, step);
    const paramState = state;
    tidy(() => noGrad(() => this.update(param, grad, paramState, group, step)));
  }

  /** Clears the gradient of every parameter. */
  zeroGrad(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        p.grad?.dispose();
        p.grad = null;
      }
    }
  }

  /** Frees the optimizer's state tensors. */
  dispose(): void {
    for (const state of this.state.values()) for (const t of Object.values(state)) t.dispose();
    this.state.clear();
    this.steps.clear();
  }
}

function isGroupList<H>(
  params: ParamsInput<H>,
): params is readonly (Partial<H> & { params: readonly Tensor[] })[] {
  return params.length > 0 && !('shape' in params[0]);
}

export function checkNonNegative(op: string, name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new ValueError(`${op}: ${name} must be a finite number >= 0, got ${value}`);
  }
}

export function checkBeta(op: string, name: string, value: number): void {
  if (!(value >= 0 && value < 1))
    throw new ValueError(`${op}: ${name} must be in [0, 1), got ${value}`);
}
