import { type Tensor, tensor, ValueError } from '@tessera/tensor';
import { checkFeatureShape, type FeatureDataset } from './dataset';
import { epochSeed, seededPermutation } from './permutation';
import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkOptionsObject,
  describeValue,
  MAX_SEED,
} from './validate';

/** Settings of a {@link DataLoader}. */
export interface DataLoaderOptions {
  /** Items per batch, a positive integer. */
  batchSize: number;
  /** Whether each epoch visits the items in a new seeded order (default false, which keeps index order). */
  shuffle?: boolean;
  /** Base seed of the shuffle order, an integer in [0, 2^32 - 1] (default 0). */
  seed?: number;
  /** Whether to skip the last batch when it has fewer than `batchSize` items (default false). */
  dropLast?: boolean;
}

/**
 * One batch: features `x` (float32, shape `[size, ...featureShape]`) and labels `y`
 * (int32, shape `[size]`). Both tensors belong to the caller, who must dispose them or
 * create the batch inside `tidy`.
 */
export interface Batch {
  x: Tensor;
  y: Tensor;
  /** The number of items in this batch: `batchSize`, or fewer for the last one. */
  size: number;
}

const OPTION_NAMES = ['batchSize', 'shuffle', 'seed', 'dropLast'] as const;

/**
 * Groups the rows of a dataset into batches of tensors. Each iteration (`for ... of`) is
 * one epoch. With `shuffle`, epoch `e` visits the items in an order derived from
 * `(seed, e)` only, so two loaders with the same seed produce the same batches and each
 * epoch has its own order.
 *
 * A batch's tensors are created on the current backend and belong to the caller: dispose
 * them, or make and use them inside `tidy`, or memory grows by one batch per step.
 *
 * @example
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 1 });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for (const batch of loader) {
 *     tidy(() => trainStep(batch.x, batch.y));
 *     batch.x.dispose();
 *     batch.y.dispose();
 *   }
 * }
 * loader.epoch; // 3: the next iteration is epoch 3
 */
export class DataLoader implements Iterable<Batch> {
  readonly dataset: FeatureDataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  private readonly featureSize: number;
  private nextEpoch = 0;

  constructor(dataset: FeatureDataset, options: DataLoaderOptions) {
    checkDataset(dataset);
    checkOptionsObject('DataLoader', options);
    if (options === undefined) {
      throw new ValueError('DataLoader: options are missing. Pass at least { batchSize }');
    }
    checkKnownKeys('DataLoader', options, OPTION_NAMES);
    const { batchSize, shuffle = false, seed = 0, dropLast = false } = options;
    checkInteger('DataLoader', 'batchSize', batchSize, 1);
    checkBoolean('DataLoader', 'shuffle', shuffle);
    checkInteger('DataLoader', 'seed', seed, 0, MAX_SEED);
    checkBoolean('DataLoader', 'dropLast', dropLast);

    this.dataset = dataset;
    this.featureSize = checkFeatureShape('DataLoader', dataset.featureShape);
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
  }

  /** The number of batches one epoch yields. */
  get length(): number {
    const items = this.dataset.length;
    return this.dropLast ? Math.floor(items / this.batchSize) : Math.ceil(items / this.batchSize);
  }

  /**
   * The epoch number that the next iteration uses. Starting an iteration increments it,
   * even if the iteration stops early. Set it to resume or replay an epoch's order.
   */
  get epoch(): number {
    return this.nextEpoch;
  }

  set epoch(value: number) {
    checkInteger('DataLoader', 'epoch', value, 0, MAX_SEED);
    this.nextEpoch = value;
  }

  /** Returns the dataset indices in the order that epoch `epoch` visits them. */
  order(epoch: number): number[] {
    checkInteger('DataLoader.order', 'epoch', epoch, 0, MAX_SEED);
    if (this.shuffle) return seededPermutation(this.dataset.length, epochSeed(this.seed, epoch));
    return Array.from({ length: this.dataset.length }, (_, i) => i);
  }

  /** Starts the next epoch. Batches are built one at a time as the iterator advances. */
  [Symbol.iterator](): Iterator<Batch> {
    const order = this.order(this.nextEpoch);
    this.nextEpoch += 1;
    return this.batches(order);
  }

  private *batches(order: number[]): Generator<Batch> {
    for (let b = 0; b < this.length; b++) {
      const start = b * this.batchSize;
      yield this.makeBatch(order.slice(start, start + this.batchSize));
    }
  }

  private makeBatch(indices: number[]): Batch {
    const size = indices.length;
    const features = new Float32Array(size * this.featureSize);
    const labels = new Int32Array(size);

    // One bulk copy per row: `x` is already a contiguous Float32Array view.
    for (let row = 0; row < size; row++) {
      const item = this.dataset.get(indices[row]);
      if (item.x.length !== this.featureSize) {
        throw new ValueError(
          `DataLoader: item ${indices[row]} has ${item.x.length} feature values, but ` +
            `featureShape ${describeValue([...this.dataset.featureShape])} needs ${this.featureSize}`,
        );
      }
      features.set(item.x, row * this.featureSize);
      labels[row] = item.y;
    }

    const x = tensor(features, [size, ...this.dataset.featureShape], 'float32');
    try {
      return { x, y: tensor(labels, [size], 'int32'), size };
    } catch (error) {
      // The caller never receives `x` when creating `y` fails, so it must be disposed here.
      x.dispose();
      throw error;
    }
  }
}

function checkDataset(dataset: FeatureDataset): void {
  const candidate = dataset as Partial<FeatureDataset> | null | undefined;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.get !== 'function' ||
    !Number.isInteger(candidate.length) ||
    !Array.isArray(candidate.featureShape)
  ) {
    throw new ValueError(
      'DataLoader: dataset must have a length, a get(index) method and a featureShape ' +
        '(a TensorDataset or a subset of one)',
    );
  }
}
