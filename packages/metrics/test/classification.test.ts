import { describe, expect, it } from 'vitest';
import {
  accuracy,
  confusionMatrix,
  f1Score,
  precision,
  precisionRecallFscoreSupport,
  recall,
} from '../src/index';

// Expected values are worked out by hand from the counts in each comment; the rules are those
// of scikit-learn's precision_recall_fscore_support.

// Per class (true positives, predicted, support):
// 0: (5, 6, 6) -> precision 5/6, recall 5/6, F1 10/12
// 1: (1, 3, 2) -> precision 1/3, recall 1/2, F1 2/5
// 2: (1, 1, 2) -> precision 1,   recall 1/2, F1 2/3
const Y_TRUE = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2];
const Y_PRED = [0, 0, 0, 0, 0, 1, 1, 0, 2, 1];

describe('accuracy', () => {
  it('counts matching labels', () => {
    expect(accuracy(Y_TRUE, Y_PRED)).toBeCloseTo(0.7, 6);
    expect(accuracy([3, 1], [3, 1])).toBe(1);
    expect(accuracy(new Int32Array([0, 1, 1]), new Float32Array([1, 1, 0]))).toBeCloseTo(1 / 3);
  });

  it('rejects mismatched lengths', () => {
    expect(() => accuracy([0, 1, 2], [0, 1])).toThrow(
      'accuracy: yTrue has 3 labels but yPred has 2',
    );
  });

  it('rejects empty input', () => {
    expect(() => accuracy([], [])).toThrow('accuracy: yTrue and yPred are empty');
  });

  it('rejects non-integer labels', () => {
    expect(() => accuracy([0, 1.5], [0, 1])).toThrow('accuracy: yTrue[1] is 1.5');
    expect(() => accuracy([0, 1], [0, Number.NaN])).toThrow('accuracy: yPred[1] is NaN');
  });
});

describe('confusionMatrix', () => {
  it('puts true labels in rows', () => {
    expect(confusionMatrix(Y_TRUE, Y_PRED)).toEqual([
      [5, 1, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
  });

  it('follows the order of labels', () => {
    expect(confusionMatrix(Y_TRUE, Y_PRED, { labels: [2, 0] })).toEqual([
      [1, 0],
      [0, 5],
    ]);
  });

  it('adds rows for absent labels', () => {
    expect(confusionMatrix([1, 1], [1, 4], { labels: [1, 4, 7] })).toEqual([
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('sorts labels that are not 0..n-1', () => {
    expect(confusionMatrix([10, -3, 10], [10, 10, -3])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('rejects labels absent from yTrue', () => {
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [5, 6] })).toThrow(
      'confusionMatrix: none of labels [5, 6] occurs in yTrue',
    );
  });

  it('rejects an invalid labels option', () => {
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [] })).toThrow(
      'confusionMatrix: labels is empty',
    );
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [0, 1, 0] })).toThrow(
      'confusionMatrix: labels contains 0 more than once',
    );
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [0, 0.5] })).toThrow(
      'confusionMatrix: labels[1] is 0.5',
    );
  });
});

describe('precisionRecallFscoreSupport', () => {
  it('scores each label', () => {
    const scores = precisionRecallFscoreSupport(Y_TRUE, Y_PRED);
    expect(scores.labels).toEqual([0, 1, 2]);
    expectAllClose(scores.precision, [5 / 6, 1 / 3, 1]);
    expectAllClose(scores.recall, [5 / 6, 1 / 2, 1 / 2]);
    expectAllClose(scores.fScore, [5 / 6, 2 / 5, 2 / 3]);
    expect(scores.support).toEqual([6, 2, 2]);
    expect(scores.warnings).toEqual([]);
  });

  it('averages macro and weighted', () => {
    const macro = precisionRecallFscoreSupport(Y_TRUE, Y_PRED, { average: 'macro' });
    expect(macro.precision).toBeCloseTo((5 / 6 + 1 / 3 + 1) / 3, 6);
    expect(macro.recall).toBeCloseTo((5 / 6 + 1 / 2 + 1 / 2) / 3, 6);
    expect(macro.fScore).toBeCloseTo(0.633333, 6);

    const weighted = precisionRecallFscoreSupport(Y_TRUE, Y_PRED, { average: 'weighted' });
    expect(weighted.precision).toBeCloseTo((6 * (5 / 6) + 2 * (1 / 3) + 2 * 1) / 10, 6);
    expect(weighted.recall).toBeCloseTo(0.7, 6);
    expect(weighted.fScore).toBeCloseTo(0.713333, 6);
  });

  it('micro average equals accuracy', () => {
    const micro = precisionRecallFscoreSupport(Y_TRUE, Y_PRED, { average: 'micro' });
    expect(micro.precision).toBeCloseTo(0.7, 12);
    expect(micro.recall).toBeCloseTo(0.7, 12);
    expect(micro.fScore).toBeCloseTo(0.7, 12);
  });

  it('micro average over a subset of labels', () => {
    // Labels [1, 2]: true positives 1 + 1, predicted 3 + 1, support 2 + 2.
    const micro = precisionRecallFscoreSupport(Y_TRUE, Y_PRED, {
      average: 'micro',
      labels: [1, 2],
    });
    expect(micro.precision).toBeCloseTo(2 / 4, 12);
    expect(micro.recall).toBeCloseTo(2 / 4, 12);
    expect(micro.fScore).toBeCloseTo(0.5, 12);
  });

  it('follows the labels option', () => {
    const scores = precisionRecallFscoreSupport(Y_TRUE, Y_PRED, { labels: [2, 0] });
    expect(scores.labels).toEqual([2, 0]);
    expectAllClose(scores.precision, [1, 5 / 6]);
    expect(scores.support).toEqual([2, 6]);
  });

  it('computes F-beta', () => {
    // Class 1 with beta 2: (1 + 4) * 1 / (4 * 2 + 3) = 5/11.
    const beta2 = precisionRecallFscoreSupport(Y_TRUE, Y_PRED, { beta: 2 });
    expect(beta2.fScore[1]).toBeCloseTo(5 / 11, 12);
    const beta0 = precisionRecallFscoreSupport(Y_TRUE, Y_PRED, { beta: 0 });
    expectAllClose(beta0.fScore, beta0.precision);
    const betaInf = precisionRecallFscoreSupport(Y_TRUE, Y_PRED, {
      beta: Number.POSITIVE_INFINITY,
    });
    expectAllClose(betaInf.fScore, betaInf.recall);
  });

  it('rejects invalid options', () => {
    const fn = 'precisionRecallFscoreSupport';
    expect(() => precisionRecallFscoreSupport(Y_TRUE, Y_PRED, { beta: -1 })).toThrow(
      `${fn}: beta is -1`,
    );
    expect(() => precisionRecallFscoreSupport(Y_TRUE, Y_PRED, { zeroDivision: 2 })).toThrow(
      `${fn}: zeroDivision is 2`,
    );
    const average = 'samples' as unknown as 'macro';
    expect(() => precisionRecallFscoreSupport(Y_TRUE, Y_PRED, { average })).toThrow(
      `${fn}: average is "samples"`,
    );
  });
});

describe('zeroDivision, class never predicted', () => {
  // Per class (true positives, predicted, support):
  // 0: (1, 1, 1) -> precision 1, recall 1
  // 1: (0, 0, 1) -> precision 0/0 (ill-defined), recall 0, F1 0 / (1 + 0) = 0
  // 2: (2, 3, 2) -> precision 2/3, recall 1, F1 4/5
  const yTrue = [0, 1, 2, 2];
  const yPred = [0, 2, 2, 2];

  it('0 sets precision to 0', () => {
    const scores = precisionRecallFscoreSupport(yTrue, yPred, { zeroDivision: 0 });
    expectAllClose(scores.precision, [1, 0, 2 / 3]);
    expectAllClose(scores.fScore, [1, 0, 4 / 5]);
    expect(scores.warnings).toEqual([]);
    const macro = precisionRecallFscoreSupport(yTrue, yPred, { average: 'macro', zeroDivision: 0 });
    expect(macro.precision).toBeCloseTo(5 / 9, 12);
    const weighted = precision(yTrue, yPred, { average: 'weighted', zeroDivision: 0 });
    expect(weighted).toBeCloseTo((1 + 0 + 2 * (2 / 3)) / 4, 12);
  });

  it('1 sets precision to 1', () => {
    const scores = precisionRecallFscoreSupport(yTrue, yPred, { zeroDivision: 1 });
    expectAllClose(scores.precision, [1, 1, 2 / 3]);
    // F1 is well defined (the label is true once), so it stays 0.
    expectAllClose(scores.fScore, [1, 0, 4 / 5]);
    expect(precision(yTrue, yPred, { average: 'macro', zeroDivision: 1 })).toBeCloseTo(8 / 9, 12);
    const weighted = precision(yTrue, yPred, { average: 'weighted', zeroDivision: 1 });
    expect(weighted).toBeCloseTo((1 + 1 + 2 * (2 / 3)) / 4, 12);
  });

  it('NaN is skipped by averages', () => {
    const scores = precisionRecallFscoreSupport(yTrue, yPred, { zeroDivision: Number.NaN });
    expect(scores.precision[0]).toBe(1);
    expect(scores.precision[1]).toBeNaN();
    expect(scores.precision[2]).toBeCloseTo(2 / 3, 12);
    const macro = precision(yTrue, yPred, { average: 'macro', zeroDivision: Number.NaN });
    expect(macro).toBeCloseTo((1 + 2 / 3) / 2, 12);
    const weighted = precision(yTrue, yPred, { average: 'weighted', zeroDivision: Number.NaN });
    expect(weighted).toBeCloseTo((1 + 2 * (2 / 3)) / 3, 12);
  });

  it("'warn' gives 0 and a warning", () => {
    const scores = precisionRecallFscoreSupport(yTrue, yPred);
    expectAllClose(scores.precision, [1, 0, 2 / 3]);
    expect(scores.warnings).toHaveLength(1);
    expect(scores.warnings[0]).toContain('Precision is ill-defined');
    expect(scores.warnings[0]).toContain('labels [1] with no predicted samples');
  });

  it('micro average is well defined', () => {
    // Summed: true positives 3, predicted 4, support 4.
    const micro = precisionRecallFscoreSupport(yTrue, yPred, { average: 'micro' });
    expect(micro.precision).toBeCloseTo(0.75, 12);
    expect(micro.warnings).toEqual([]);
  });
});

describe('zeroDivision, class never true', () => {
  // Per class (true positives, predicted, support):
  // 0: (1, 1, 2) -> precision 1, recall 1/2
  // 1: (2, 2, 2) -> precision 1, recall 1
  // 2: (0, 1, 0) -> precision 0, recall 0/0 (ill-defined), F1 0 / (0 + 1) = 0
  const yTrue = [0, 0, 1, 1];
  const yPred = [0, 2, 1, 1];

  it('0 sets recall to 0', () => {
    expectAllClose(recall(yTrue, yPred, { average: null, zeroDivision: 0 }), [0.5, 1, 0]);
    expect(recall(yTrue, yPred, { average: 'macro', zeroDivision: 0 })).toBeCloseTo(0.5, 12);
    expect(f1Score(yTrue, yPred, { average: null, zeroDivision: 0 })[2]).toBe(0);
  });

  it('1 sets recall to 1', () => {
    expectAllClose(recall(yTrue, yPred, { average: null, zeroDivision: 1 }), [0.5, 1, 1]);
    expect(recall(yTrue, yPred, { average: 'macro', zeroDivision: 1 })).toBeCloseTo(2.5 / 3, 12);
    // The label has no support, so it has no weight.
    expect(recall(yTrue, yPred, { average: 'weighted', zeroDivision: 1 })).toBeCloseTo(0.75, 12);
    expect(f1Score(yTrue, yPred, { average: null, zeroDivision: 1 })[2]).toBe(0);
  });

  it('NaN is skipped by averages', () => {
    const perLabel = recall(yTrue, yPred, { average: null, zeroDivision: Number.NaN });
    expect(perLabel[2]).toBeNaN();
    const macro = recall(yTrue, yPred, { average: 'macro', zeroDivision: Number.NaN });
    expect(macro).toBeCloseTo(0.75, 12);
  });

  it("'warn' names the label", () => {
    const scores = precisionRecallFscoreSupport(yTrue, yPred);
    expect(scores.recall[2]).toBe(0);
    expect(scores.warnings).toEqual([
      'Recall is ill-defined and set to 0 for labels [2] with no true samples; ' +
        'set zeroDivision to choose the value',
    ]);
  });
});

describe('zeroDivision, label neither true nor predicted', () => {
  // Label 3 is requested but absent: precision, recall and F1 are all 0/0.
  const yTrue = [0, 0, 1, 1];
  const yPred = [0, 2, 1, 1];

  it('fills every score', () => {
    for (const zeroDivision of [0, 1]) {
      const scores = precisionRecallFscoreSupport(yTrue, yPred, { labels: [3], zeroDivision });
      expect(scores.precision).toEqual([zeroDivision]);
      expect(scores.recall).toEqual([zeroDivision]);
      expect(scores.fScore).toEqual([zeroDivision]);
      expect(scores.support).toEqual([0]);
    }
    const nan = precisionRecallFscoreSupport(yTrue, yPred, {
      labels: [3],
      zeroDivision: Number.NaN,
    });
    expect(nan.fScore[0]).toBeNaN();
  });

  it('averages of all NaN are NaN', () => {
    const macro = precisionRecallFscoreSupport(yTrue, yPred, {
      labels: [3],
      average: 'macro',
      zeroDivision: Number.NaN,
    });
    expect(macro.fScore).toBeNaN();
  });

  it('weighted average ignores all-zero weights', () => {
    // Support of labels [2, 3] is [0, 0]; the weights are dropped and the mean is unweighted.
    const weighted = precisionRecallFscoreSupport(yTrue, yPred, {
      labels: [2, 3],
      average: 'weighted',
      zeroDivision: 1,
    });
    expect(weighted.precision).toBeCloseTo((0 + 1) / 2, 12);
    expect(weighted.recall).toBeCloseTo(1, 12);
  });

  it("'warn' reports each score", () => {
    const scores = precisionRecallFscoreSupport(yTrue, yPred, { labels: [3] });
    expect(scores.warnings.map((message) => message.split(' ')[0])).toEqual([
      'Precision',
      'Recall',
      'F-score',
    ]);
  });
});

describe('zeroDivision, no true positives', () => {
  it('F-score stays 0', () => {
    // Each label is predicted once and true once, but never both: precision and recall are 0/1,
    // and F1 = 0 / (1 + 1) is well defined, so zeroDivision does not apply.
    const scores = precisionRecallFscoreSupport([0, 1], [1, 0], { zeroDivision: 1 });
    expect(scores.precision).toEqual([0, 0]);
    expect(scores.recall).toEqual([0, 0]);
    expect(scores.fScore).toEqual([0, 0]);
  });
});

describe('binary average', () => {
  // posLabel 1: true positives 2, predicted 3, support 2.
  const yTrue = [0, 1, 1, 0];
  const yPred = [1, 1, 1, 0];

  it('scores posLabel', () => {
    expect(precision(yTrue, yPred)).toBeCloseTo(2 / 3, 12);
    expect(recall(yTrue, yPred)).toBe(1);
    expect(f1Score(yTrue, yPred)).toBeCloseTo(0.8, 12);
  });

  it('takes another posLabel', () => {
    // posLabel 0: true positives 1, predicted 1, support 2.
    expect(precision(yTrue, yPred, { posLabel: 0 })).toBe(1);
    expect(recall(yTrue, yPred, { posLabel: 0 })).toBe(0.5);
  });

  it('rejects multiclass data', () => {
    expect(() => f1Score(Y_TRUE, Y_PRED)).toThrow(
      "f1Score: average is 'binary' but the data has 3 labels [0, 1, 2]",
    );
  });

  it('rejects a posLabel not in the data', () => {
    expect(() => precision(yTrue, yPred, { posLabel: 2 })).toThrow(
      'precision: posLabel 2 is not one of the labels [0, 1]',
    );
  });

  it('warns that posLabel is ignored', () => {
    const scores = precisionRecallFscoreSupport(yTrue, yPred, { average: 'macro', posLabel: 0 });
    expect(scores.warnings[0]).toContain('posLabel 0 is ignored');
  });
});

function expectAllClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => {
    expect(actual[i], `index ${i}`).toBeCloseTo(value, 12);
  });
}
