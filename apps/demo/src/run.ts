import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataLoader } from '@tessera/data';
import { loadMnist } from '@tessera/data/mnist';
import { accuracy, classificationReport, precisionRecallFscoreSupport } from '@tessera/metrics';
import { type Module, readSafetensors, saveSafetensors } from '@tessera/nn';
import { CosineAnnealingLR } from '@tessera/optim';
import { manualSeed } from '@tessera/tensor';
import { type BackendName, releaseBackend, useBackend } from './backends';
import { buildModel, MODEL_NAMES, type ModelName } from './model';
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

const DIGITS = Array.from({ length: 10 }, (_, i) => i);

type Print = (line?: string) => void;

/**
 * Resolves a path the user typed against the folder they ran `pnpm demo` from (pnpm runs the
 * script inside apps/demo and passes the original folder as INIT_CWD).
 */
function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** Trains (or loads) the model, evaluates it on the test split and prints the report. */
export async function runDemo(options: DemoOptions): Promise<void> {
  try {
    await runOnBackend(options);
  } finally {
    await releaseBackend(options.backend);
  }
}

async function runOnBackend(options: DemoOptions): Promise<void> {
  const started = performance.now();
  const print: Print = options.json ? () => {} : (line = '') => console.log(line);
  const backendDescription = await useBackend(options.backend);
  manualSeed(options.seed);
  const loaded = options.load === undefined ? undefined : await loadWeights(options, print);
  const settings = loaded?.settings ?? options;
  const { train, test } = loadMnist({
    trainSize: settings.trainSize,
    testSize: settings.testSize,
    seed: settings.seed,
  });
  print(
    `MNIST: ${train.length} training and ${test.length} test digits; backend ${backendDescription}`,
  );
  const testLoader = new DataLoader(test, { batchSize: 500 });

  let model: Module;
  let epochsRun = 0;
  if (loaded !== undefined) {
    model = loaded.model;
  } else {
    const savePath = await prepareSavePath(options);
    model = buildModel(options.model, options.hidden, options.seed);
    epochsRun = await trainModel(model, train, testLoader, options, print);
    const metadata = {
      format: 'pt',
      model: options.model,
      hidden: String(options.hidden),
      seed: String(options.seed),
      trainSize: String(options.trainSize),
      testSize: String(options.testSize),
    };
    await saveSafetensors(savePath, model.stateDict(), metadata);
    print(`\nsaved weights to ${savePath}`);
  }
  await report(model, testLoader, epochsRun, started, options.json, print);
}

async function prepareSavePath(options: DemoOptions): Promise<string> {
  const defaultPath = fileURLToPath(
    new URL(`../out/mnist-${options.model}.safetensors`, import.meta.url),
  );
  const path = options.save === undefined ? defaultPath : userPath(options.save);
  // Fail before training rather than after it when the folder cannot be written.
  await makeFolders(dirname(path));
  await access(dirname(path), constants.W_OK);
  return path;
}

/**
 * Creates `folder` and its missing parents one level at a time. Node 20's recursive mkdir
 * spins forever on paths such as /proc/x, where every level fails with ENOENT.
 */
async function makeFolders(folder: string): Promise<void> {
  const missing: string[] = [];
  let current = folder;
  while (!(await exists(current))) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing) await mkdir(level);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function trainModel(
  model: Module,
  trainSet: ReturnType<typeof loadMnist>['train'],
  testLoader: DataLoader,
  options: DemoOptions,
  print: Print,
): Promise<number> {
  const lr = options.lr ?? defaultLr(options.optimizer);
  const epochWord = options.epochs === 1 ? 'epoch' : 'epochs';
  print(`model: ${model.toString().replace(/\n/g, '\n  ')}`);
  print(
    `${model.numParameters().toLocaleString('en-US')} parameters, ${options.optimizer} lr ${lr} ` +
      `with cosine decay over ${options.epochs} ${epochWord}\n`,
  );
  const optimizer = buildOptimizer(options.optimizer, model.parameters(), lr);
  // Cosine decay to zero over the run: large steps early, fine ones at the end.
  const schedule = new CosineAnnealingLR(optimizer, { tMax: options.epochs });
  const loader = new DataLoader(trainSet, {
    batchSize: options.batchSize,
    shuffle: true,
    seed: options.seed,
  });
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const progress = new EpochProgress(epoch, options.epochs, loader.length, !options.json);
    const result = await trainEpoch(model, optimizer, loader, (step) => progress.update(step));
    progress.stop();
    const { yTrue, yPred } = await predict(model, testLoader);
    print(
      `epoch ${epoch}: train loss ${result.loss.toFixed(4)}, train accuracy ${result.accuracy.toFixed(4)}, ` +
        `test accuracy ${accuracy(yTrue, yPred).toFixed(4)} (${result.seconds.toFixed(1)} s, ` +
        `${Math.round(result.samples / result.seconds)} samples/s)`,
    );
    schedule.step();
  }
  return options.epochs;
}

async function report(
  model: Module,
  testLoader: DataLoader,
  epochs: number,
  started: number,
  json: boolean,
  print: Print,
): Promise<void> {
  const { yTrue, yPred } = await predict(model, testLoader);
  const seconds = (performance.now() - started) / 1000;
  const testAccuracy = accuracy(yTrue, yPred);
  const options = { labels: DIGITS, zeroDivision: 0 as const };
  const macroF1 = precisionRecallFscoreSupport(yTrue, yPred, { ...options, average: 'macro' })
    .fScore as number;
  if (json) {
    console.log(JSON.stringify({ accuracy: testAccuracy, macroF1, epochs, seconds }));
    return;
  }
  print(`\nclassification report on ${yTrue.length} test digits:\n`);
  const targetNames = DIGITS.map(String);
  print(classificationReport(yTrue, yPred, { ...options, targetNames, digits: 4 }) as string);
  print(
    `test accuracy ${testAccuracy.toFixed(4)}, macro F1 ${macroF1.toFixed(4)}, ` +
      `${seconds.toFixed(1)} s in all`,
  );
}

/**
 * Loads saved weights with the settings they were trained with (model, width and data
 * split, from the file's metadata), so the test split is the one the model never saw.
 */
async function loadWeights(
  options: DemoOptions,
  print: Print,
): Promise<{ model: Module; settings: DemoOptions }> {
  const path = userPath(options.load!);
  const { tensors, metadata } = await readSafetensors(path);
  const first = tensors.get('0.weight') ?? tensors.get('features.0.weight');
  const modelName = (metadata.model ?? (tensors.has('0.weight') ? 'mlp' : 'cnn')) as ModelName;
  if (first === undefined || !MODEL_NAMES.includes(modelName)) {
    throw new Error(`${path} does not hold one of this demo's models (${MODEL_NAMES.join(', ')})`);
  }
  const number = (key: string, fallback: number) =>
    metadata[key] === undefined ? fallback : Number(metadata[key]);
  const settings: DemoOptions = {
    ...options,
    model: modelName,
    hidden: modelName === 'mlp' ? first.shape[0] : options.hidden,
    seed: number('seed', options.seed),
    trainSize: number('trainSize', options.trainSize),
    testSize: number('testSize', options.testSize),
  };
  if (settings.seed !== options.seed) {
    print(`using the data split the weights were trained with (seed ${settings.seed})`);
  }
  const model = buildModel(settings.model, settings.hidden, settings.seed);
  model.loadStateDict(tensors);
  for (const t of tensors.values()) t.dispose();
  print(`loaded ${settings.model} weights from ${path}`);
  return { model, settings };
}
