import { createCpuBackend } from '@tessera/kernels-cpu';
import { registerBackend, setBackend, softmax, tensor } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClassificationMetrics, classificationReport, confusionMatrix } from '../src/index';

beforeAll(async () => {
  registerBackend('cpu', () => createCpuBackend());
  await setBackend('cpu');
});

// Logits whose row-wise argmax is [2, 0, 1, 1]; row 3 ties classes 1 and 2, and argmax takes 1.
const LOGITS = [
  [0.1, -1.0, 2.5],
  [3.0, 1.0, -0.5],
  [-2.0, 0.5, 0.25],
  [0.0, 1.5, 1.5],
];
const LOGITS_ARGMAX = [2, 0, 1, 1];

describe('ClassificationMetrics with tensors', () => {
  it('matches the batch functions across array and tensor updates', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 3 });
    await metrics.update([0, 1, 2], [0, 2, 2]);
    await metrics.update(tensor([2, 0, 1, 2], [4], 'int32'), tensor(LOGITS));
    await metrics.update(tensor([1, 1], [2], 'int32'), tensor([1, 0], [2], 'int32'));

    const allTrue = [0, 1, 2, 2, 0, 1, 2, 1, 1];
    const allPred = [0, 2, 2, ...LOGITS_ARGMAX, 1, 0];
    expect(metrics.sampleCount).toBe(9);
    expect(metrics.confusionMatrix()).toEqual(confusionMatrix(allTrue, allPred));
    expect(metrics.report({ digits: 3 })).toBe(
      classificationReport(allTrue, allPred, { digits: 3 }),
    );
  });

  it('reduces probabilities with argmax', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 3 });
    const probabilities = softmax(tensor(LOGITS), -1);
    await metrics.update(tensor(LOGITS_ARGMAX, [4], 'int32'), probabilities);
    expect(metrics.accuracy()).toBe(1);
  });

  it('rejects logits of the wrong width', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 4 });
    await expect(
      metrics.update(tensor([0, 1, 2, 0], [4], 'int32'), tensor(LOGITS)),
    ).rejects.toThrow('ClassificationMetrics.update: yPred has shape [4,3] but numClasses is 4');
  });

  it('rejects true labels that are not a vector', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 3 });
    await expect(metrics.update(tensor(LOGITS), tensor(LOGITS))).rejects.toThrow(
      'ClassificationMetrics.update: yTrue has shape [4,3]; pass class ids of shape [n]',
    );
  });

  it('points batch functions to the accumulator', () => {
    const labels = tensor([0, 1], [2], 'int32');
    expect(() => confusionMatrix(labels as unknown as number[], [0, 1])).toThrow(
      'confusionMatrix: yTrue is a Tensor',
    );
  });
});
