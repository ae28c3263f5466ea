import { describe, expect, it } from 'vitest';
import {
  accuracy,
  ClassificationMetrics,
  classificationReport,
  confusionMatrix,
  precisionRecallFscoreSupport,
} from '../src/index';

// Three batches of a 4-class problem. Class 3 never occurs, so reports list classes 0-2 unless
// the labels option selects others, as the batch functions do.
const BATCHES = [
  { yTrue: [0, 0, 1], yPred: [0, 1, 1] },
  { yTrue: [2, 2, 0, 1], yPred: [2, 0, 0, 1] },
  { yTrue: [1, 0, 2], yPred: [2, 0, 2] },
];
const ALL_TRUE = BATCHES.flatMap((batch) => batch.yTrue);
const ALL_PRED = BATCHES.flatMap((batch) => batch.yPred);

async function filledMetrics(
  options: ConstructorParameters<typeof ClassificationMetrics>[0] = { numClasses: 4 },
): Promise<ClassificationMetrics> {
  const metrics = new ClassificationMetrics(options);
  for (const { yTrue, yPred } of BATCHES) await metrics.update(yTrue, yPred);
  return metrics;
}

describe('ClassificationMetrics', () => {
  it('matches the batch functions', async () => {
    const metrics = await filledMetrics();
    expect(metrics.sampleCount).toBe(10);
    expect(metrics.accuracy()).toBe(accuracy(ALL_TRUE, ALL_PRED));
    expect(metrics.confusionMatrix()).toEqual(confusionMatrix(ALL_TRUE, ALL_PRED));
    expect(metrics.report()).toBe(classificationReport(ALL_TRUE, ALL_PRED));
    expect(metrics.report({ digits: 4 })).toBe(
      classificationReport(ALL_TRUE, ALL_PRED, { digits: 4 }),
    );
    expect(metrics.report({ outputDict: true })).toEqual(
      classificationReport(ALL_TRUE, ALL_PRED, { outputDict: true }),
    );
    expect(metrics.scores({ average: 'macro' })).toEqual(
      precisionRecallFscoreSupport(ALL_TRUE, ALL_PRED, { average: 'macro' }),
    );
  });

  it('matches hand-computed counts', async () => {
    // Pairs (true, predicted): (0,0) x3, (0,1), (1,1) x2, (1,2), (2,2) x2, (2,0).
    const metrics = await filledMetrics();
    expect(metrics.confusionMatrix()).toEqual([
      [3, 1, 0],
      [0, 2, 1],
      [1, 0, 2],
    ]);
    expect(metrics.accuracy()).toBeCloseTo(0.7, 12);
  });

  it('accepts typed arrays and score rows', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 4 });
    await metrics.update(new Int32Array(BATCHES[0].yTrue), new Int32Array(BATCHES[0].yPred));
    await metrics.update(new Float32Array(BATCHES[1].yTrue), BATCHES[1].yPred);
    // Rows whose argmax is [2, 0, 2]; row 1 has a tie, which goes to the lower class.
    await metrics.update(BATCHES[2].yTrue, [
      [0.1, 0.2, 0.6, 0.1],
      [0.4, 0.1, 0.1, 0.4],
      new Float32Array([-1, -2, 3, 0]),
    ]);
    expect(metrics.report()).toBe(classificationReport(ALL_TRUE, ALL_PRED));
  });

  it('names rows by class id', async () => {
    const targetNames = ['cat', 'dog', 'owl', 'bat'];
    const metrics = await filledMetrics({ numClasses: 4, targetNames });
    expect(metrics.report()).toBe(
      classificationReport(ALL_TRUE, ALL_PRED, { targetNames: ['cat', 'dog', 'owl'] }),
    );
    expect(metrics.report({ labels: [3, 1] })).toBe(
      classificationReport(ALL_TRUE, ALL_PRED, { labels: [3, 1], targetNames: ['bat', 'dog'] }),
    );
  });

  it('uses the constructor labels', async () => {
    const metrics = await filledMetrics({ numClasses: 4, labels: [0, 1, 2, 3] });
    const labels = [0, 1, 2, 3];
    expect(metrics.report()).toBe(classificationReport(ALL_TRUE, ALL_PRED, { labels }));
    expect(metrics.confusionMatrix()).toEqual(confusionMatrix(ALL_TRUE, ALL_PRED, { labels }));
    expect(metrics.scores({ average: 'macro' })).toEqual(
      precisionRecallFscoreSupport(ALL_TRUE, ALL_PRED, { labels, average: 'macro' }),
    );
  });

  it('forgets samples on reset', async () => {
    const metrics = await filledMetrics();
    metrics.reset();
    expect(metrics.sampleCount).toBe(0);
    expect(() => metrics.accuracy()).toThrow('ClassificationMetrics.accuracy: no samples yet');
    await metrics.update([1, 1], [1, 0]);
    expect(metrics.accuracy()).toBe(0.5);
  });

  it('rejects a class id out of range', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 3 });
    await expect(metrics.update([0, 3], [0, 1])).rejects.toThrow(
      'ClassificationMetrics.update: yTrue[1] is 3, outside the class ids 0 to 2 (numClasses is 3)',
    );
    await expect(metrics.update([0, 1], [-1, 1])).rejects.toThrow(
      'ClassificationMetrics.update: yPred[0] is -1, outside the class ids 0 to 2',
    );
    expect(metrics.sampleCount).toBe(0);
  });

  it('rejects mismatched lengths', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 3 });
    await expect(metrics.update([0, 1, 2], [0, 1])).rejects.toThrow(
      'ClassificationMetrics.update: yTrue has 3 labels but yPred has 2',
    );
  });

  it('rejects score rows of the wrong width', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 3 });
    await expect(metrics.update([0], [[0.5, 0.5]])).rejects.toThrow(
      'ClassificationMetrics.update: yPred[0] has 2 scores but numClasses is 3',
    );
    await expect(metrics.update([0], [[Number.NaN, 0, 1]])).rejects.toThrow(
      'ClassificationMetrics.update: yPred row 0 contains NaN',
    );
  });

  it('rejects non-integer labels', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 3 });
    await expect(metrics.update([0.5], [0])).rejects.toThrow(
      'ClassificationMetrics.update: yTrue[0] is 0.5; labels must be integer class ids',
    );
  });

  it('rejects invalid options', () => {
    expect(() => new ClassificationMetrics({ numClasses: 0 })).toThrow(
      'ClassificationMetrics: numClasses is 0',
    );
    expect(() => new ClassificationMetrics({ numClasses: 2, labels: [0, 2] })).toThrow(
      'ClassificationMetrics: labels[1] is 2, outside the class ids 0 to 1',
    );
    expect(() => new ClassificationMetrics({ numClasses: 2, targetNames: ['a'] })).toThrow(
      'ClassificationMetrics: targetNames has 1 names but numClasses is 2',
    );
  });

  it('accepts an empty batch', async () => {
    const metrics = await filledMetrics();
    await metrics.update([], []);
    expect(metrics.sampleCount).toBe(10);
  });
});
