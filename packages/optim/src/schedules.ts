import { ValueError } from '@tessera/tensor';

/** Anything with parameter groups that carry a learning rate. */
export interface HasParamGroups {
  paramGroups: { lr: number }[];
}

/**
 * The base of learning-rate schedules: call `step()` once per epoch (or per iteration, as the
 * schedule is designed) after `optimizer.step()`; it sets each group's `lr`.
 */
export abstract class LRScheduler {
  readonly baseLrs: number[];
  /** Times `step()` has been called. */
  lastEpoch = 0;

  constructor(readonly optimizer: HasParamGroups) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each group at `epoch`. */
  protected abstract lrAt(epoch: number): number[];

  step(): void {
    this.lastEpoch++;
    const lrs = this.lrAt(this.lastEpoch);
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = lrs[i];
    });
  }

  /** Returns the current learning rate of each group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs.
 *
 * @example
 * const schedule = new StepLR(optimizer, { stepSize: 10, gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  private readonly stepSize: number;
  private readonly gamma: number;

  constructor(optimizer: HasParamGroups, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    if (!(Number.isInteger(options.stepSize) && options.stepSize > 0)) {
      throw new ValueError(`StepLR: stepSize must be a positive integer, got ${options.stepSize}`);
    }
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
  }

  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(epoch / this.stepSize));
  }
}

/** Multiplies the learning rate by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: HasParamGroups,
    private readonly gamma: number,
  ) {
    super(optimizer);
  }

  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** epoch);
  }
}

/**
 * Cosine annealing from the base rate down to `etaMin` over `tMax` epochs:
 * lr = etaMin + (base - etaMin) (1 + cos(pi epoch / tMax)) / 2.
 */
export class CosineAnnealingLR extends LRScheduler {
  private readonly tMax: number;
  private readonly etaMin: number;

  constructor(optimizer: HasParamGroups, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    if (!(options.tMax > 0))
      throw new ValueError(`CosineAnnealingLR: tMax must be > 0, got ${options.tMax}`);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
  }

  protected lrAt(epoch: number): number[] {
    const phase = (1 + Math.cos((Math.PI * Math.min(epoch, this.tMax)) / this.tMax)) / 2;
    return this.baseLrs.map((lr) => this.etaMin + (lr - this.etaMin) * phase);
  }
}
