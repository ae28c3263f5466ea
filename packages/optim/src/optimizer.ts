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
   * Computes the new value of `param` from its gradient, putting new state tensors into
   * `state`. `step` counts this parameter's updates, starting at 1.
   */
  protected abstract update(
    param: Tensor,
    grad: Tensor,
    state: Record<string, Tensor>,
    group: ParamGroup<H>,
    step: number,
  ): Tensor;
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

  private stepParameter(param: Tensor, grad: Tensor, group: ParamGroup<H>): void {
    const previous = this.state.get(param) ?? {};
    const state = { ...previous };
    const step = (this.steps.get(param) ?? 0) + 1;
    this.steps.set(param, step);
    // Returning the new state from tidy keeps those tensors alive; everything else it frees.
    const [updated] = tidy(() => {
      const value = noGrad(() => this.update(param, grad, state, group, step));
      return [value, state] as const;
    });
    for (const [key, value] of Object.entries(state)) {
      if (previous[key] === value) continue;
      keep(value);
      previous[key]?.dispose();
    }
    this.state.set(param, state);
    param.assign(updated);
    updated.dispose();
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
