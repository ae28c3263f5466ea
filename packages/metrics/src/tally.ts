import { ValueError } from '@tessera/tensor';
import { checkLabelsOption, formatLabels } from './validate';

/**
 * Per-label counts of a set of predictions. Every classification score in this package is
 * computed from a tally, so the batch functions and the streaming accumulator agree exactly.
 */
export interface LabelTally {
  readonly sampleCount: number;
  readonly correctCount: number;
  /** Samples with `yTrue === yPred === label`, keyed by label. */
  readonly truePositives: ReadonlyMap<number, number>;
  /** Samples with `yTrue === label` (the support), keyed by label. */
  readonly trueCounts: ReadonlyMap<number, number>;
  /** Samples with `yPred === label`, keyed by label. */
  readonly predictedCounts: ReadonlyMap<number, number>;
}

/** Counts the labels of two equally long, already validated arrays. */
export function tallyLabels(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): LabelTally {
  const truePositives = new Map<number, number>();
  const trueCounts = new Map<number, number>();
  const predictedCounts = new Map<number, number>();
  let correctCount = 0;

  for (let i = 0; i < yTrue.length; i++) {
    const actual = yTrue[i];
    const predicted = yPred[i];
    increment(trueCounts, actual, 1);
    increment(predictedCounts, predicted, 1);
    if (actual === predicted) {
      increment(truePositives, actual, 1);
      correctCount++;
    }
  }

  return { sampleCount: yTrue.length, correctCount, truePositives, trueCounts, predictedCounts };
}

/** Adds `amount` to the count of `key`. */
export function increment(counts: Map<number, number>, key: number, amount: number): void {
  counts.set(key, (counts.get(key) ?? 0) + amount);
}

/** Returns the count of `label`, 0 when it never occurred. */
export function countOf(counts: ReadonlyMap<number, number>, label: number): number {
  return counts.get(label) ?? 0;
}

/** Returns the labels that occur in yTrue or yPred, sorted (scikit-learn's `unique_labels`). */
export function presentLabels(tally: LabelTally): number[] {
  const labels = new Set([...tally.trueCounts.keys(), ...tally.predictedCounts.keys()]);
  return [...labels].sort((a, b) => a - b);
}

/**
 * Returns the rows and columns of a confusion matrix: the present labels by default, else the
 * checked `labels` option. As in scikit-learn, at least one requested label must occur in yTrue.
 */
export function resolveMatrixLabels(
  fn: string,
  tally: LabelTally,
  labels: readonly number[] | undefined,
): number[] {
  if (labels === undefined) return presentLabels(tally);

  checkLabelsOption(fn, labels);
  if (!labels.some((label) => tally.trueCounts.has(label))) {
    throw new ValueError(
      `${fn}: none of labels ${formatLabels(labels)} occurs in yTrue; at least one must`,
    );
  }
  return [...labels];
}
