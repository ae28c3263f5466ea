import { ShapeError, ValueError } from '@tessera/tensor';
import {
  type LabelInput,
  type PredictionInput,
  readLabelInput,
  readPredictionInput,
} from './inputs';
import { type ClassificationReportDict, type ReportOptions, reportTally } from './report';
import {
  type AveragedScoreOptions,
  type AveragedScores,
  type PerLabelScoreOptions,
  type PerLabelScores,
  type ScoreOptions,
  scoreTally,
} from './scores';
import { type LabelTally, presentLabels, resolveMatrixLabels } from './tally';
import { checkIntegerLabels, checkLabelsOption } from './validate';

/** Options of the `ClassificationMetrics` constructor. */
export interface ClassificationMetricsOptions {
  /** The number of classes; class ids run from 0 to numClasses - 1. */
  numClasses: number;
  /** Class ids that reports and scores cover, in row order. Default: the ids seen so far. */
  labels?: readonly number[];
  /** A name for every class id, indexed by id, used as the report's row names. */
  targetNames?: readonly string[];
}

/** Options of `ClassificationMetrics.report`; names come from the constructor's targetNames. */
export type AccumulatorReportOptions = Omit<ReportOptions, 'targetNames'>;

/**
 * A streaming accumulator of classification metrics. Each `update` adds a batch to a confusion
 * matrix, and every metric computed from it equals the batch function's result on all the
 * batches concatenated. The matrix contains numClasses² counts of 8 bytes each.
 *
 * @example
 * const metrics = new ClassificationMetrics({ numClasses: 3, targetNames: ['cat', 'dog', 'owl'] });
 * for (const { images, labels } of batches) {
 *   await metrics.update(labels, model.forward(images)); // logits of shape [n, 3]
 * }
 * console.log(metrics.accuracy());
 * console.log(metrics.report({ digits: 3 }));
 */
export class ClassificationMetrics {
  readonly numClasses: number;
  private readonly labels: readonly number[] | undefined;
  private readonly targetNames: readonly string[] | undefined;
  /** Counts by [true class * numClasses + predicted class]. */
  private readonly counts: Float64Array;
  private total = 0;

  constructor(options: ClassificationMetricsOptions) {
    const fn = 'ClassificationMetrics';
    const { numClasses, labels, targetNames } = options;
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new ValueError(
        `${fn}: numClasses is ${String(numClasses)}; it must be an integer >= 1`,
      );
    }
    this.numClasses = numClasses;
    if (labels !== undefined) {
      checkLabelsOption(fn, labels);
      this.checkClassIds(fn, 'labels', labels);
    }
    if (targetNames !== undefined && targetNames.length !== numClasses) {
      throw new ValueError(
        `${fn}: targetNames has ${targetNames.length} names but numClasses is ${numClasses}; ` +
          'pass one name per class id',
      );
    }
    this.labels = labels === undefined ? undefined : [...labels];
    this.targetNames = targetNames === undefined ? undefined : [...targetNames];
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /** The number of samples added since construction or the last `reset`. */
  get sampleCount(): number {
    return this.total;
  }

  /**
   * Adds a batch. `yTrue` contains class ids, and `yPred` class ids or scores of shape
   * [n, numClasses], reduced with argmax. Tensors are read to the host with `data()` and stay
   * owned by the caller, who disposes them. A batch that fails validation leaves the
   * accumulator unchanged.
   */
  async update(yTrue: LabelInput, yPred: PredictionInput): Promise<void> {
    const fn = 'ClassificationMetrics.update';
    const [trueIds, predictedIds] = await Promise.all([
      readLabelInput(fn, 'yTrue', yTrue),
      readPredictionInput(fn, yPred, this.numClasses),
    ]);
    if (trueIds.length !== predictedIds.length) {
      throw new ShapeError(
        `${fn}: yTrue has ${trueIds.length} labels but yPred has ${predictedIds.length}; ` +
          'pass one prediction per sample',
      );
    }
    this.checkClassIds(fn, 'yTrue', trueIds);
    this.checkClassIds(fn, 'yPred', predictedIds);

    for (let i = 0; i < trueIds.length; i++) {
      this.counts[trueIds[i] * this.numClasses + predictedIds[i]]++;
    }
    this.total += trueIds.length;
  }

  /** Returns the fraction of samples so far whose predicted class equals the true class. */
  accuracy(): number {
    this.checkNotEmpty('ClassificationMetrics.accuracy');
    let correct = 0;
    for (let k = 0; k < this.numClasses; k++) correct += this.counts[k * this.numClasses + k];
    return correct / this.total;
  }

  /**
   * Returns the confusion matrix, rows by true class and columns by predicted class, over
   * `labels` (default: the constructor's labels, else the ids seen so far), as `confusionMatrix`.
   */
  confusionMatrix(options: { labels?: readonly number[] } = {}): number[][] {
    const fn = 'ClassificationMetrics.confusionMatrix';
    this.checkNotEmpty(fn);
    const requested = options.labels ?? this.labels;
    if (requested !== undefined) this.checkClassIds(fn, 'labels', requested);
    const labels = resolveMatrixLabels(fn, this.tally(), requested);
    return labels.map((actual) =>
      labels.map((predicted) => this.counts[actual * this.numClasses + predicted]),
    );
  }

  /** Computes the scores of `precisionRecallFscoreSupport` over the samples so far. */
  scores(options: AveragedScoreOptions): AveragedScores;
  scores(options?: PerLabelScoreOptions): PerLabelScores;
  scores(options: ScoreOptions = {}): PerLabelScores | AveragedScores {
    const fn = 'ClassificationMetrics.scores';
    this.checkNotEmpty(fn);
    const labels = options.labels ?? this.labels;
    if (labels !== undefined) this.checkClassIds(fn, 'labels', labels);
    return scoreTally(fn, this.tally(), { ...options, labels });
  }

  /** Builds the classification report of the samples so far, as `classificationReport`. */
  report(options: AccumulatorReportOptions & { outputDict: true }): ClassificationReportDict;
  report(options?: AccumulatorReportOptions & { outputDict?: false }): string;
  report(options: AccumulatorReportOptions = {}): string | ClassificationReportDict {
    const fn = 'ClassificationMetrics.report';
    this.checkNotEmpty(fn);
    const tally = this.tally();
    const labels = options.labels ?? this.labels;
    if (labels !== undefined) this.checkClassIds(fn, 'labels', labels);

    // Names are indexed by class id, so they follow whichever labels the report shows.
    const names = this.targetNames;
    const reportedLabels = labels ?? presentLabels(tally);
    const targetNames =
      names === undefined ? undefined : reportedLabels.map((classId) => names[classId]);
    return reportTally(fn, tally, { ...options, labels, targetNames });
  }

  /** Forgets every sample, keeping the options. */
  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }

  /** Builds per-class counts from the confusion matrix; classes never seen get no entry. */
  private tally(): LabelTally {
    const truePositives = new Map<number, number>();
    const trueCounts = new Map<number, number>();
    const predictedCounts = new Map<number, number>();
    let correctCount = 0;
    for (let k = 0; k < this.numClasses; k++) {
      let rowSum = 0;
      let columnSum = 0;
      for (let j = 0; j < this.numClasses; j++) {
        rowSum += this.counts[k * this.numClasses + j];
        columnSum += this.counts[j * this.numClasses + k];
      }
      const diagonal = this.counts[k * this.numClasses + k];
      if (rowSum > 0) trueCounts.set(k, rowSum);
      if (columnSum > 0) predictedCounts.set(k, columnSum);
      if (diagonal > 0) truePositives.set(k, diagonal);
      correctCount += diagonal;
    }
    return { sampleCount: this.total, correctCount, truePositives, trueCounts, predictedCounts };
  }

  /** Throws unless every value is an integer class id in [0, numClasses). */
  private checkClassIds(fn: string, name: string, values: ArrayLike<number>): void {
    checkIntegerLabels(fn, name, values);
    for (let i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= this.numClasses) {
        throw new ValueError(
          `${fn}: ${name}[${i}] is ${values[i]}, outside the class ids 0 to ` +
            `${this.numClasses - 1} (numClasses is ${this.numClasses})`,
        );
      }
    }
  }

  private checkNotEmpty(fn: string): void {
    if (this.total === 0) {
      throw new ValueError(`${fn}: no samples yet; call update() with at least one sample first`);
    }
  }
}
