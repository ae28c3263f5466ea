import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DataLoader } from '@tessera/data';
import { loadMnist } from '@tessera/data/mnist';
import { accuracy, classificationReport, precisionRecallFscoreSupport } from '@tessera/metrics';
import { loadSafetensors, saveSafetensors } from '@tessera/nn';
import { CosineAnnealingLR } from '@tessera/optim';
import { manualSeed } from '@tessera/tensor';
import { type BackendName, useBackend } from './backends';
import { buildModel, type ModelName } from './model';
import { buildOptimizer, defaultLr, type OptimizerName } from './optimizers';
import { EpochProgress } from './progress';
import { predict, trainEpoch } from './train';

export interface DemoOptions {
  epochs: number;
  batchSize: number;
  lr?: number;
  optimizer: OptimizerName;
  seed: number;
  hidden: number;
  model: ModelName;
  backend: BackendName;
  trainSize: number;
  testSize: number;
  save?: string;
  load?: string;
  json: boolean;
}

const DIGIT_NAMES = Array.from({ length: 10 }, (_, i) => String(i));

/** Trains (or loads) the MLP, evaluates it on the test split and prints the report. */
export async function runDemo(options: DemoOptions): Promise<void> {
  const started = performance.now();
  const print = options.json ? () => {} : (line = '') => console.log(line);
  await useBackend(options.backend);
  manualSeed(options.seed);
  const { train, test } = loadMnist({
    trainSize: options.trainSize,
    testSize: options.testSize,
    seed: options.seed,
  });
  print(
    `MNIST: ${train.length} training and ${test.length} test digits; backend ${options.backend}`,
  );

  const hidden =
    options.load === undefined || options.model === 'cnn'
      ? options.hidden
      : await hiddenUnitsOf(options.load);
  const model = buildModel(options.model, hidden, options.seed);
  const testLoader = new DataLoader(test, { batchSize: 500 });
  let epochsRun = 0;
  if (options.load !== undefined) {
    model.loadStateDict(await loadSafetensors(options.load));
    print(`loaded weights from ${options.load}`);
  } else {
    const lr = options.lr ?? defaultLr(options.optimizer);
    print(`model: ${model.toString().replace(/\n/g, '\n  ')}`);
    print(
      `${model.numParameters().toLocaleString('en-US')} parameters, ${options.optimizer} lr ${lr} ` +
        `with cosine decay over ${options.epochs} epochs\n`,
    );
    const optimizer = buildOptimizer(options.optimizer, model.parameters(), lr);
    // Cosine decay to zero over the run: large steps early, fine ones at the end.
    const schedule = new CosineAnnealingLR(optimizer, { tMax: options.epochs });
    const trainLoader = new DataLoader(train, {
      batchSize: options.batchSize,
      shuffle: true,
      seed: options.seed,
    });
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const progress = new EpochProgress(epoch, options.epochs, trainLoader.length, !options.json);
      const result = await trainEpoch(model, optimizer, trainLoader, (step) =>
        progress.update(step),
      );
      progress.stop();
      const { yTrue, yPred } = await predict(model, testLoader);
      print(
        `epoch ${epoch}: train loss ${result.loss.toFixed(4)}, train accuracy ${result.accuracy.toFixed(4)}, ` +
          `test accuracy ${accuracy(yTrue, yPred).toFixed(4)} (${result.seconds.toFixed(1)} s, ` +
          `${Math.round(result.samples / result.seconds)} samples/s)`,
      );
      schedule.step();
      epochsRun = epoch;
    }
    const path = resolve(options.save ?? `out/mnist-${options.model}.safetensors`);
    await mkdir(dirname(path), { recursive: true });
    await saveSafetensors(path, model.stateDict(), {
      format: 'pt',
      model: options.model === 'cnn' ? 'mnist-cnn' : `mlp-784-${hidden}-10`,
    });
    print(`\nsaved weights to ${path}`);
  }

  const { yTrue, yPred } = await predict(model, testLoader);
  const seconds = (performance.now() - started) / 1000;
  const testAccuracy = accuracy(yTrue, yPred);
  const macroF1 = precisionRecallFscoreSupport(yTrue, yPred, { average: 'macro' }).fScore as number;
  if (options.json) {
    console.log(JSON.stringify({ accuracy: testAccuracy, macroF1, epochs: epochsRun, seconds }));
    return;
  }
  print(`\nclassification report on ${yTrue.length} test digits:\n`);
  print(classificationReport(yTrue, yPred, { targetNames: DIGIT_NAMES, digits: 4 }) as string);
  print(
    `test accuracy ${testAccuracy.toFixed(4)}, macro F1 ${macroF1.toFixed(4)}, ${seconds.toFixed(1)} s in all`,
  );
}

/** Reads the hidden width of a saved MLP from its first weight's shape. */
async function hiddenUnitsOf(path: string): Promise<number> {
  const state = await loadSafetensors(path);
  const first = state.get('0.weight');
  if (first === undefined || first.rank !== 2 || first.shape[1] !== 784) {
    throw new Error(`${path} does not hold this demo's MLP (no '0.weight' of shape [hidden, 784])`);
  }
  const hidden = first.shape[0];
  for (const t of state.values()) t.dispose();
  return hidden;
}
