import { type ClassificationReportDict, type ReportOptions, reportTally } from './report';
import {
  type Average,
  type AveragedScoreOptions,
  type AveragedScores,
  type PerLabelScoreOptions,
  type PerLabelScores,
  type ScoreOptions,
  scoreTally,
} from './scores';
import { resolveMatrixLabels, tallyLabels } from './tally';
import { checkLabelPair } from './validate';

/** Options of `precision`, `recall` and `f1Score`, whose `average` defaults to `'binary'`. */
export type SingleScoreOptions = Omit<ScoreOptions, 'beta'>;

/**
 * Returns the fraction of samples whose predicted label equals the true label.
 *
 * @example
 * accuracy([0, 1, 2, 2], [0, 2, 2, 2]); // 0.75
 */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLabelPair('accuracy', yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === yPred[i]) correct++;
  }
  return correct / yTrue.length;
}

/**
 * Counts samples by true label (rows) and predicted label (columns), as scikit-learn's
 * `confusion_matrix`. Rows and columns follow `labels`, by default every label present, sorted.
 * Samples whose true or predicted label is not in `labels` are left out, and at least one of
 * `labels` must occur in yTrue.
 *
 * @example
 * confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
 * // [[2, 0, 0],
 * //  [0, 0, 1],
 * //  [1, 0, 2]]
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: { labels?: readonly number[] } = {},
): number[][] {
  const fn = 'confusionMatrix';
  checkLabelPair(fn, yTrue, yPred);
  const labels = resolveMatrixLabels(fn, tallyLabels(yTrue, yPred), options.labels);

  const indexOf = new Map(labels.map((label, index) => [label, index]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = indexOf.get(yTrue[i]);
    const column = indexOf.get(yPred[i]);
    if (row !== undefined && column !== undefined) matrix[row][column]++;
  }
  return matrix;
}

/**
 * Computes precision, recall, F-beta score and support, as scikit-learn's
 * `precision_recall_fscore_support`. Without `average` the result contains one score per label
 * (in the order of `labels`). With one, it contains the averaged scores and no support.
 *
 * A score whose denominator is 0 (precision of a label never predicted, recall of a label never
 * true, F-score of a label that is neither) takes the `zeroDivision` value. `'warn'`, the
 * default, gives 0 and adds a message to `warnings`; with NaN, averages skip the NaN scores.
 *
 * @example
 * const scores = precisionRecallFscoreSupport([0, 0, 1, 2], [0, 1, 1, 1]);
 * scores.precision; // [1, 0.3333333333333333, 0]
 * scores.warnings;  // ['Precision is ill-defined and set to 0 for labels [2] with ...']
 * precisionRecallFscoreSupport([0, 0, 1, 2], [0, 1, 1, 1], { average: 'macro' }).recall; // 0.5
 */
export function precisionRecallFscoreSupport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: AveragedScoreOptions,
): AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options?: PerLabelScoreOptions,
): PerLabelScores;
export function precisionRecallFscoreSupport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ScoreOptions = {},
): PerLabelScores | AveragedScores {
  const fn = 'precisionRecallFscoreSupport';
  checkLabelPair(fn, yTrue, yPred);
  return scoreTally(fn, tallyLabels(yTrue, yPred), options);
}

/**
 * Returns precision, `tp / (tp + fp)`. As in scikit-learn, `average` defaults to `'binary'`,
 * which scores `posLabel` (default 1) and rejects data with more than two labels. With
 * `average: null` the result has one score per label. The other options are those of
 * `precisionRecallFscoreSupport`.
 *
 * @example
 * precision([0, 1, 1, 0], [1, 1, 1, 0]); // 0.6666666666666666 (posLabel 1)
 * precision([0, 1, 2, 2], [0, 2, 2, 2], { average: 'macro' }); // 0.5555555555555555
 */
export function precision(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options?: SingleScoreOptions & { average?: Average },
): number;
export function precision(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: SingleScoreOptions & { average: null },
): number[];
export function precision(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: SingleScoreOptions = {},
): number | number[] {
  return singleScore('precision', yTrue, yPred, options).precision;
}

/**
 * Returns recall, `tp / (tp + fn)`, with the options and defaults of `precision`.
 *
 * @example
 * recall([0, 1, 1, 0], [1, 1, 1, 0]); // 1
 * recall([0, 1, 2, 2], [0, 2, 2, 2], { average: null }); // [1, 0, 1]
 */
export function recall(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options?: SingleScoreOptions & { average?: Average },
): number;
export function recall(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: SingleScoreOptions & { average: null },
): number[];
export function recall(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: SingleScoreOptions = {},
): number | number[] {
  return singleScore('recall', yTrue, yPred, options).recall;
}

/**
 * Returns the F1 score, `2 tp / (2 tp + fp + fn)`, with the options and defaults of `precision`.
 *
 * @example
 * f1Score([0, 1, 1, 0], [1, 1, 1, 0]); // 0.8
 * f1Score([0, 0, 0, 0, 0, 0, 1, 1, 2, 2], [0, 0, 0, 0, 0, 1, 1, 0, 2, 1], { average: 'macro' });
 * // 0.6333333333333333
 */
export function f1Score(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options?: SingleScoreOptions & { average?: Average },
): number;
export function f1Score(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: SingleScoreOptions & { average: null },
): number[];
export function f1Score(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: SingleScoreOptions = {},
): number | number[] {
  return singleScore('f1Score', yTrue, yPred, options).fScore;
}

function singleScore(
  fn: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: SingleScoreOptions,
): PerLabelScores | AveragedScores {
  checkLabelPair(fn, yTrue, yPred);
  const average = options.average === undefined ? 'binary' : options.average;
  return scoreTally(fn, tallyLabels(yTrue, yPred), { ...options, average, beta: 1 });
}

/**
 * Builds scikit-learn's `classification_report`: per-label precision, recall, F1 and support,
 * then accuracy (or the micro average when `labels` leaves out a label that occurs in the
 * data), the macro average and the support-weighted average. The text matches scikit-learn's
 * character for character; `outputDict: true` returns the same numbers as an object.
 *
 * `zeroDivision: 'warn'` sets ill-defined scores to 0 without a message; call
 * `precisionRecallFscoreSupport` to get the warnings.
 *
 * @example
 * classificationReport([0, 0, 1, 1], [0, 1, 1, 1], { targetNames: ['cat', 'dog'] });
 * //               precision    recall  f1-score   support
 * //
 * //          cat       1.00      0.50      0.67         2
 * //          dog       0.67      1.00      0.80         2
 * //
 * //     accuracy                           0.75         4
 * //    macro avg       0.83      0.75      0.73         4
 * // weighted avg       0.83      0.75      0.73         4
 */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ReportOptions & { outputDict: true },
): ClassificationReportDict;
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options?: ReportOptions & { outputDict?: false },
): string;
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ReportOptions = {},
): string | ClassificationReportDict {
  const fn = 'classificationReport';
  checkLabelPair(fn, yTrue, yPred);
  return reportTally(fn, tallyLabels(yTrue, yPred), options);
}
