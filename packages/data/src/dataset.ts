import { ValueError } from '@tessera/tensor';
import { seededPermutation } from './permutation';
import { checkInteger, describeValue, MAX_SEED } from './validate';

/**
 * A fixed-size collection indexed from 0 to `length - 1`.
 *
 * @example
 * const squares: Dataset<number> = { length: 4, get: (i) => i * i };
 */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** One example of a {@link TensorDataset}: a feature row and its integer label. */
export interface TensorDatasetItem {
  /** The row's features, a view into the dataset's storage (writing to it changes the dataset). */
  x: Float32Array;
  y: number;
}

/**
 * A dataset of float32 feature rows of one shape with integer labels, which `DataLoader`
 * batches. {@link TensorDataset} and the subsets made from it have this form.
 *
 * @example
 * const rows: FeatureDataset = subset(dataset, [0, 2, 4]);
 * rows.featureShape; // the same as dataset.featureShape
 */
export interface FeatureDataset extends Dataset<TensorDatasetItem> {
  /** The shape of one row's features. Each `x` has as many values as this shape's size. */
  readonly featureShape: readonly number[];
}

/**
 * Features and labels held in two typed arrays: row `i` is
 * `features[i * featureSize, (i + 1) * featureSize)` with label `labels[i]`, where
 * `featureSize` is the product of `featureShape`. The arrays are stored, not copied.
 *
 * @example
 * const features = new Float32Array([0, 1, 2, 3, 4, 5]);
 * const dataset = new TensorDataset(features, new Int32Array([0, 1, 0]), [2]);
 * dataset.get(1); // { x: Float32Array [2, 3], y: 1 }
 */
export class TensorDataset implements FeatureDataset {
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly featureShape: readonly number[];
  /** The number of values in one row, the product of `featureShape`. */
  readonly featureSize: number;

  constructor(features: Float32Array, labels: Int32Array, featureShape: readonly number[]) {
    if (!(features instanceof Float32Array)) {
      throw new ValueError(
        `TensorDataset: features must be a Float32Array, got ${typeName(features)}`,
      );
    }
    if (!(labels instanceof Int32Array)) {
      throw new ValueError(`TensorDataset: labels must be an Int32Array, got ${typeName(labels)}`);
    }
    this.featureSize = checkFeatureShape('TensorDataset', featureShape);
    if (features.length !== labels.length * this.featureSize) {
      throw new ValueError(
        `TensorDataset: ${features.length} feature values do not fit ${labels.length} labels ` +
          `with feature shape ${describeValue([...featureShape])} ` +
          `(expected ${labels.length * this.featureSize} values)`,
      );
    }
    this.features = features;
    this.labels = labels;
    this.featureShape = Object.freeze([...featureShape]);
  }

  get length(): number {
    return this.labels.length;
  }

  /** Returns row `index` as a view into `features` (no copy) with its label. */
  get(index: number): TensorDatasetItem {
    checkIndex('TensorDataset.get', index, this.length);
    const start = index * this.featureSize;
    return { x: this.features.subarray(start, start + this.featureSize), y: this.labels[index] };
  }
}

/**
 * A view of selected items of another dataset, in the given order; `get(i)` returns
 * `dataset.get(indices[i])`. Made by {@link subset} and {@link randomSplit}.
 */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: Dataset<T>, indices: readonly number[]) {
    for (let i = 0; i < indices.length; i++) {
      if (!isIndex(indices[i], dataset.length)) {
        throw new ValueError(
          `subset: indices[${i}] = ${describeValue(indices[i])} is not a valid index ` +
            `of a dataset of length ${dataset.length}`,
        );
      }
    }
    this.dataset = dataset;
    this.indices = Object.freeze([...indices]);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex('Subset.get', index, this.indices.length);
    return this.dataset.get(this.indices[index]);
  }
}

/** A {@link Subset} of a {@link FeatureDataset}, which keeps the feature shape. */
export class FeatureSubset extends Subset<TensorDatasetItem> implements FeatureDataset {
  readonly featureShape: readonly number[];

  constructor(dataset: FeatureDataset, indices: readonly number[]) {
    super(dataset, indices);
    this.featureShape = dataset.featureShape;
  }
}

/**
 * Selects the items at `indices` (repeats allowed) without copying them. A subset of a
 * dataset with a `featureShape` keeps it, so it can be passed to `DataLoader`.
 *
 * @example
 * const firstHundred = subset(dataset, Array.from({ length: 100 }, (_, i) => i));
 */
export function subset(dataset: FeatureDataset, indices: readonly number[]): FeatureSubset;
export function subset<T>(dataset: Dataset<T>, indices: readonly number[]): Subset<T>;
export function subset<T>(dataset: Dataset<T>, indices: readonly number[]): Subset<T> {
  if (!Array.isArray(indices)) {
    throw new ValueError(`subset: indices must be an array, got ${typeName(indices)}`);
  }
  if (isFeatureDataset(dataset)) {
    return new FeatureSubset(dataset, indices) as unknown as Subset<T>;
  }
  return new Subset(dataset, indices);
}

/**
 * Splits a dataset into disjoint subsets of the given sizes, which must add up to its
 * length. Items are assigned by a permutation that depends only on `seed` (an integer in
 * [0, 2^32 - 1], default 0), so the same seed always gives the same split.
 *
 * @example
 * const [train, validation] = randomSplit(dataset, [900, 100], 42);
 */
export function randomSplit(
  dataset: FeatureDataset,
  sizes: readonly number[],
  seed?: number,
): FeatureSubset[];
export function randomSplit<T>(
  dataset: Dataset<T>,
  sizes: readonly number[],
  seed?: number,
): Subset<T>[];
export function randomSplit<T>(
  dataset: Dataset<T>,
  sizes: readonly number[],
  seed = 0,
): Subset<T>[] {
  checkSplitSizes(sizes, dataset.length);
  checkInteger('randomSplit', 'seed', seed, 0, MAX_SEED);

  const order = seededPermutation(dataset.length, seed);
  const parts: Subset<T>[] = [];
  let start = 0;
  for (const size of sizes) {
    parts.push(subset(dataset, order.slice(start, start + size)));
    start += size;
  }
  return parts;
}

function checkSplitSizes(sizes: readonly number[], length: number): void {
  if (!Array.isArray(sizes)) {
    throw new ValueError(`randomSplit: sizes must be an array, got ${typeName(sizes)}`);
  }
  sizes.forEach((size, i) => {
    checkInteger('randomSplit', `sizes[${i}]`, size, 0);
  });
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total !== length) {
    throw new ValueError(
      `randomSplit: sizes ${describeValue(sizes)} add up to ${total}, ` +
        `but the dataset has ${length} items`,
    );
  }
}

/** Returns the number of values per row, after checking that every dimension is valid. */
export function checkFeatureShape(caller: string, featureShape: readonly number[]): number {
  if (!Array.isArray(featureShape)) {
    throw new ValueError(`${caller}: featureShape must be an array, got ${typeName(featureShape)}`);
  }
  for (const dim of featureShape) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new ValueError(
        `${caller}: featureShape ${describeValue(featureShape)} must contain only ` +
          'non-negative integers',
      );
    }
  }
  return featureShape.reduce((product, dim) => product * dim, 1);
}

function isFeatureDataset(dataset: Dataset<unknown>): dataset is FeatureDataset {
  return Array.isArray((dataset as Partial<FeatureDataset>).featureShape);
}

function isIndex(value: unknown, length: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < length;
}

function checkIndex(caller: string, index: number, length: number): void {
  if (!isIndex(index, length)) {
    throw new ValueError(
      `${caller}: index ${describeValue(index)} is out of range for length ${length}`,
    );
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}
