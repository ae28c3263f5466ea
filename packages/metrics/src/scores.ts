import { ValueError } from '@tessera/tensor';
import { countOf, type LabelTally, presentLabels } from './tally';
import { checkLabelsOption, checkZeroDivision, formatLabels, type ZeroDivision } from './validate';

/**
 * The method that combines per-label scores into one number, as in scikit-learn:
 * - `'binary'`: only the scores of `posLabel`; the data may contain at most two labels.
 * - `'micro'`: scores of the summed true positives, predictions and supports of all labels.
 * - `'macro'`: the unweighted mean of the per-label scores.
 * - `'weighted'`: the mean of the per-label scores weighted by support.
 */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

/** Options of `precisionRecallFscoreSupport` and of the functions built on it. */
export interface ScoreOptions {
  /** How to combine per-label scores; `null` returns one score per label. */
  average?: Average | null;
  /**
   * Labels to score, in output order. They may leave out present labels or add absent ones.
   * Default: every label present in yTrue or yPred, sorted.
   */
  labels?: readonly number[];
  /** The positive label when `average` is `'binary'`. Default 1. */
  posLabel?: number;
  /** Weight of recall in the F-score: 1 gives F1, 0 gives precision, Infinity gives recall. */
  beta?: number;
  /** The value of a score whose denominator is 0. Default `'warn'`. */
  zeroDivision?: ZeroDivision;
}

/** Score options with an `average`, so the result is one number per score. */
export type AveragedScoreOptions = ScoreOptions & { average: Average };
/** Score options without an `average`, so the result has one score per label. */
export type PerLabelScoreOptions = ScoreOptions & { average?: null };

/** Scores of each label, in the order of `labels`. */
export interface PerLabelScores {
  readonly labels: number[];
  readonly precision: number[];
  readonly recall: number[];
  readonly fScore: number[];
  /** The number of samples whose true label is each label. */
  readonly support: number[];
  /** Ill-defined scores that `zeroDivision: 'warn'` set to 0. */
  readonly warnings: string[];
}

/** Scores combined over labels. As in scikit-learn, averages carry no support. */
export interface AveragedScores {
  readonly precision: number;
  readonly recall: number;
  readonly fScore: number;
  /** Ill-defined scores that `zeroDivision: 'warn'` set to 0. */
  readonly warnings: string[];
}

const AVERAGES: readonly (Average | null)[] = ['binary', 'micro', 'macro', 'weighted', null];

/** Computes precision, recall, F-beta and support from a tally, with scikit-learn's rules. */
export function scoreTally(
  fn: string,
  tally: LabelTally,
  options: ScoreOptions,
): PerLabelScores | AveragedScores {
  const { average = null, beta = 1, zeroDivision = 'warn' } = options;
  checkScoreOptions(fn, average, beta, zeroDivision);
  const warnings: string[] = [];
  const labels = selectLabels(fn, tally, average, options, warnings);

  let truePositives = labels.map((label) => countOf(tally.truePositives, label));
  let predicted = labels.map((label) => countOf(tally.predictedCounts, label));
  let support = labels.map((label) => countOf(tally.trueCounts, label));
  if (average === 'micro') {
    truePositives = [sum(truePositives)];
    predicted = [sum(predicted)];
    support = [sum(support)];
  }

  // A single result (micro, or binary's one label) gets a message without a label list.
  const context: DivisionContext = {
    zeroDivision,
    warnings,
    labels: truePositives.length === 1 && average !== null ? null : labels,
  };
  const precision = divideScores(context, truePositives, predicted, 'Precision', 'no predicted');
  const recall = divideScores(context, truePositives, support, 'Recall', 'no true');
  const fScore = computeFScore(context, beta, truePositives, predicted, support, precision, recall);

  if (average === null) return { labels, precision, recall, fScore, support, warnings };
  const weights = average === 'weighted' ? support : undefined;
  return {
    precision: nanAverage(precision, weights),
    recall: nanAverage(recall, weights),
    fScore: nanAverage(fScore, weights),
    warnings,
  };
}

function checkScoreOptions(
  fn: string,
  average: Average | null,
  beta: number,
  zeroDivision: ZeroDivision,
): void {
  if (!AVERAGES.includes(average)) {
    throw new ValueError(
      `${fn}: average is ${JSON.stringify(average)}; ` +
        "it must be 'binary', 'micro', 'macro', 'weighted' or null",
    );
  }
  if (typeof beta !== 'number' || Number.isNaN(beta) || beta < 0) {
    throw new ValueError(`${fn}: beta is ${String(beta)}; it must be a number >= 0`);
  }
  checkZeroDivision(fn, zeroDivision);
}

/**
 * Returns the labels to score. `'binary'` scores `posLabel` alone and needs data with at most two
 * labels. Any other average uses the `labels` option, or the present labels when it is absent.
 */
function selectLabels(
  fn: string,
  tally: LabelTally,
  average: Average | null,
  options: ScoreOptions,
  warnings: string[],
): number[] {
  const posLabel = options.posLabel ?? 1;
  if (average !== 'binary') {
    if (options.posLabel !== undefined && options.posLabel !== 1) {
      warnings.push(
        `posLabel ${posLabel} is ignored because average is not 'binary'; ` +
          'pass labels: [posLabel] to score that label alone',
      );
    }
    if (options.labels === undefined) return presentLabels(tally);
    checkLabelsOption(fn, options.labels);
    return [...options.labels];
  }

  const present = presentLabels(tally);
  if (present.length > 2) {
    throw new ValueError(
      `${fn}: average is 'binary' but the data has ${present.length} labels ` +
        `${formatLabels(present)}; choose average 'micro', 'macro', 'weighted' or null`,
    );
  }
  if (!Number.isInteger(posLabel)) {
    throw new ValueError(`${fn}: posLabel is ${String(posLabel)}; it must be an integer label`);
  }
  if (present.length === 2 && !present.includes(posLabel)) {
    throw new ValueError(
      `${fn}: posLabel ${posLabel} is not one of the labels ${formatLabels(present)}`,
    );
  }
  return [posLabel];
}

/** The zero-division setting and the warning list that `divideScores` applies and fills. */
interface DivisionContext {
  readonly zeroDivision: ZeroDivision;
  readonly warnings: string[];
  /** The labels the scores belong to, or null for a single combined score. */
  readonly labels: readonly number[] | null;
}

/**
 * F-beta from the counts, `(1 + beta²) tp / (beta² (tp + fn) + tp + fp)`, as recent
 * scikit-learn releases compute it. It is ill-defined only when a label is neither true nor
 * predicted, so a label with predictions and support but no true positives scores 0. Older
 * releases combined precision and recall and gave such a label the zeroDivision value.
 */
function computeFScore(
  context: DivisionContext,
  beta: number,
  truePositives: number[],
  predicted: number[],
  support: number[],
  precision: number[],
  recall: number[],
): number[] {
  if (beta === Number.POSITIVE_INFINITY) return recall;
  if (beta === 0) return precision;

  const betaSquared = beta * beta;
  const numerators = truePositives.map((count) => (1 + betaSquared) * count);
  const denominators = support.map((count, i) => betaSquared * count + predicted[i]);
  return divideScores(context, numerators, denominators, 'F-score', 'no true nor predicted');
}

/**
 * Divides element-wise. Where a denominator is 0 the score is the zero-division value, and with
 * `'warn'` a warning names the score, the labels and the samples they lack (`reason`).
 */
function divideScores(
  context: DivisionContext,
  numerators: number[],
  denominators: number[],
  score: string,
  reason: string,
): number[] {
  const { zeroDivision, labels } = context;
  const fill = zeroDivision === 'warn' ? 0 : zeroDivision;
  const undefinedAt: number[] = [];
  const values = numerators.map((numerator, i) => {
    if (denominators[i] !== 0) return numerator / denominators[i];
    undefinedAt.push(i);
    return fill;
  });

  if (zeroDivision === 'warn' && undefinedAt.length > 0) {
    const where =
      labels === null
        ? `because there are ${reason} samples`
        : `for labels ${formatLabels(undefinedAt.map((i) => labels[i]))} with ${reason} samples`;
    context.warnings.push(
      `${score} is ill-defined and set to 0 ${where}; set zeroDivision to choose the value`,
    );
  }
  return values;
}

/**
 * Returns the mean of the values that are not NaN, weighted when `weights` is given. Mirrors
 * scikit-learn's `_nanaverage`: all NaN gives NaN, and weights that sum to 0 are ignored.
 */
function nanAverage(values: number[], weights: number[] | undefined): number {
  const valid = values.map((_, i) => i).filter((i) => !Number.isNaN(values[i]));
  if (valid.length === 0) return Number.NaN;

  const totalWeight = weights === undefined ? 0 : sum(valid.map((i) => weights[i]));
  if (weights === undefined || totalWeight === 0) {
    return sum(valid.map((i) => values[i])) / valid.length;
  }
  return sum(valid.map((i) => values[i] * weights[i])) / totalWeight;
}

function sum(values: number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
