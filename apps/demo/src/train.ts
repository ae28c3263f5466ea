import { backward, noGrad } from '@tessera/autograd';
import type { DataLoader } from '@tessera/data';
import { crossEntropy, type Module } from '@tessera/nn';
import type { Optimizer } from '@tessera/optim';
import { tidy } from '@tessera/tensor';

export interface StepReport {
  batch: number;
  batches: number;
  samples: number;
  loss: number;
  correct: number;
}

export interface EpochResult {
  loss: number;
  accuracy: number;
  samples: number;
  seconds: number;
}

/** Trains one epoch; `onStep` gets running figures after every batch. */
export async function trainEpoch(
  model: Module,
  optimizer: Optimizer<{ lr: number }>,
  loader: DataLoader,
  onStep: (report: StepReport) => void,
): Promise<EpochResult> {
  model.train();
  const start = performance.now();
  let samples = 0;
  let lossSum = 0;
  let correct = 0;
  let batch = 0;
  for (const { x, y, size } of loader) {
    const [loss, hits] = tidy(() => {
      optimizer.zeroGrad();
      const logits = model.forward(x);
      const batchLoss = crossEntropy(logits, y);
      backward(batchLoss);
      optimizer.step();
      const batchHits = noGrad(() => logits.argmax(1).equal(y).cast('int32').sum());
      return [batchLoss, batchHits];
    });
    lossSum += (await loss.item()) * size;
    correct += await hits.item();
    loss.dispose();
    hits.dispose();
    x.dispose();
    y.dispose();
    samples += size;
    batch++;
    onStep({ batch, batches: loader.length, samples, loss: lossSum / samples, correct });
  }
  optimizer.zeroGrad();
  const seconds = (performance.now() - start) / 1000;
  return { loss: lossSum / samples, accuracy: correct / samples, samples, seconds };
}

/** Predicted and true labels over a whole loader, in evaluation mode. */
export async function predict(
  model: Module,
  loader: DataLoader,
): Promise<{ yTrue: number[]; yPred: number[] }> {
  model.eval();
  const yTrue: number[] = [];
  const yPred: number[] = [];
  for (const { x, y } of loader) {
    const predicted = tidy(() => noGrad(() => model.forward(x).argmax(1)));
    yPred.push(...(await predicted.data()));
    yTrue.push(...(await y.data()));
    predicted.dispose();
    x.dispose();
    y.dispose();
  }
  return { yTrue, yPred };
}
