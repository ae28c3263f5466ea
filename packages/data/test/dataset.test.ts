import { ValueError } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { type Dataset, randomSplit, Subset, subset, TensorDataset } from '../src/index';

/** Row i has features [10 i, 10 i + 1, 10 i + 2] and label i % 3. */
function makeDataset(rows: number): TensorDataset {
  const features = new Float32Array(rows * 3);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    features.set([10 * i, 10 * i + 1, 10 * i + 2], i * 3);
    labels[i] = i % 3;
  }
  return new TensorDataset(features, labels, [3]);
}

describe('TensorDataset', () => {
  it('returns rows and labels', () => {
    const dataset = makeDataset(4);
    expect(dataset.length).toBe(4);
    expect(dataset.featureSize).toBe(3);
    expect(dataset.featureShape).toEqual([3]);
    expect(Array.from(dataset.get(2).x)).toEqual([20, 21, 22]);
    expect(dataset.get(2).y).toBe(2);
  });

  it('returns views, not copies', () => {
    const dataset = makeDataset(3);
    const { x } = dataset.get(1);
    expect(x.buffer).toBe(dataset.features.buffer);
    x[0] = -5;
    expect(dataset.features[3]).toBe(-5);
  });

  it('accepts multi-dimensional feature shapes', () => {
    const dataset = new TensorDataset(new Float32Array(2 * 2 * 3), new Int32Array(2), [2, 3]);
    expect(dataset.featureSize).toBe(6);
    expect(dataset.get(1).x.length).toBe(6);
    expect(dataset.get(1).x.byteOffset).toBe(6 * 4);
  });

  it('copies the feature shape it is given', () => {
    const shape = [3];
    const dataset = new TensorDataset(new Float32Array(3), new Int32Array(1), shape);
    shape[0] = 7;
    expect(dataset.featureShape).toEqual([3]);
  });

  it('rejects mismatched sizes', () => {
    expect(() => new TensorDataset(new Float32Array(7), new Int32Array(2), [3])).toThrow(
      /TensorDataset: 7 feature values do not fit 2 labels .*expected 6/,
    );
  });

  it('rejects wrong array types', () => {
    const labels = new Int32Array(1);
    const asFloat64 = new Float64Array(3) as unknown as Float32Array;
    expect(() => new TensorDataset(asFloat64, labels, [3])).toThrow(
      /Float32Array, got Float64Array/,
    );
    const asArray = [0] as unknown as Int32Array;
    expect(() => new TensorDataset(new Float32Array(3), asArray, [3])).toThrow(/Int32Array/);
  });

  it('rejects invalid feature shapes', () => {
    const labels = new Int32Array(1);
    expect(() => new TensorDataset(new Float32Array(3), labels, [1.5])).toThrow(ValueError);
    expect(() => new TensorDataset(new Float32Array(3), labels, [-3])).toThrow(/non-negative/);
  });

  it('rejects out-of-range indices', () => {
    const dataset = makeDataset(3);
    expect(() => dataset.get(3)).toThrow(/TensorDataset.get: index 3 is out of range for length 3/);
    expect(() => dataset.get(-1)).toThrow(ValueError);
    expect(() => dataset.get(0.5)).toThrow(ValueError);
  });
});

describe('subset', () => {
  it('selects items in the given order', () => {
    const part = subset(makeDataset(5), [4, 0, 4]);
    expect(part.length).toBe(3);
    expect(Array.from(part.get(0).x)).toEqual([40, 41, 42]);
    expect(Array.from(part.get(1).x)).toEqual([0, 1, 2]);
    expect(part.get(2).y).toBe(1);
  });

  it('keeps the feature shape', () => {
    const part = subset(makeDataset(5), [1, 2]);
    expect(part.featureShape).toEqual([3]);
  });

  it('works on any dataset', () => {
    const squares: Dataset<number> = { length: 6, get: (i) => i * i };
    const part = subset(squares, [5, 2]);
    expect(part).toBeInstanceOf(Subset);
    expect('featureShape' in part).toBe(false);
    expect([part.get(0), part.get(1)]).toEqual([25, 4]);
  });

  it('nests subsets', () => {
    const inner = subset(makeDataset(10), [9, 8, 7, 6]);
    const outer = subset(inner, [3, 0]);
    expect(outer.get(0).y).toBe(6 % 3);
    expect(outer.get(1).x[0]).toBe(90);
  });

  it('rejects invalid indices', () => {
    const dataset = makeDataset(3);
    expect(() => subset(dataset, [0, 3])).toThrow(
      /subset: indices\[1\] = 3 is not a valid index of a dataset of length 3/,
    );
    expect(() => subset(dataset, [-1])).toThrow(ValueError);
    expect(() => subset(dataset, [1.5])).toThrow(ValueError);
    expect(() => subset(dataset, 'ab' as never)).toThrow(/indices must be an array/);
    expect(() => subset(dataset, [0]).get(1)).toThrow(/Subset.get: index 1 is out of range/);
  });
});

describe('randomSplit', () => {
  const labelsOf = (part: Dataset<{ x: Float32Array }>): number[] =>
    Array.from({ length: part.length }, (_, i) => part.get(i).x[0] / 10);

  it('partitions every item exactly once', () => {
    const parts = randomSplit(makeDataset(50), [30, 15, 5], 3);
    expect(parts.map((part) => part.length)).toEqual([30, 15, 5]);
    const all = parts.flatMap(labelsOf).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('depends only on the seed', () => {
    const dataset = makeDataset(40);
    const first = randomSplit(dataset, [20, 20], 11).map(labelsOf);
    const second = randomSplit(dataset, [20, 20], 11).map(labelsOf);
    const other = randomSplit(dataset, [20, 20], 12).map(labelsOf);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('shuffles rather than slicing in order', () => {
    const [part] = randomSplit(makeDataset(40), [40], 0);
    expect(labelsOf(part)).not.toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('keeps the feature shape', () => {
    const [train] = randomSplit(makeDataset(4), [2, 2]);
    expect(train.featureShape).toEqual([3]);
  });

  it('rejects sizes that do not add up', () => {
    expect(() => randomSplit(makeDataset(10), [6, 3])).toThrow(
      /randomSplit: sizes \[6, 3\] add up to 9, but the dataset has 10 items/,
    );
  });

  it('rejects invalid sizes and seeds', () => {
    const dataset = makeDataset(10);
    expect(() => randomSplit(dataset, [11, -1])).toThrow(/sizes\[1\] must be an integer >= 0/);
    expect(() => randomSplit(dataset, [5.5, 4.5])).toThrow(/sizes\[0\]/);
    expect(() => randomSplit(dataset, [10], -1)).toThrow(/seed must be an integer in \[0, /);
    expect(() => randomSplit(dataset, [10], 0.5)).toThrow(ValueError);
  });
});
