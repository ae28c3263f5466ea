import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ValueError } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TensorDataset } from '../src/index';
import { loadMnist, MNIST_SIZE } from '../src/mnist';

const PIXELS = 784;

/** Reads the `mnist` package's JSON files directly and returns one pixel array per class. */
function readRawDigits(): number[][] {
  const packageJson = createRequire(import.meta.url).resolve('mnist/package.json');
  const directory = join(dirname(packageJson), 'src', 'digits');
  return Array.from({ length: 10 }, (_, digit) => {
    const text = readFileSync(join(directory, `${digit}.json`), 'utf8');
    return (JSON.parse(text) as { data: number[] }).data;
  });
}

/** Returns an exact key for a row, its float32 bytes. */
function rowKey(row: Float32Array): string {
  return Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('latin1');
}

interface SourceRow {
  digit: number;
  position: number;
}

let raw: number[][];
/** Every raw row by its key. The raw files contain no duplicate images, so keys are unique. */
let sourceByKey: Map<string, SourceRow>;

beforeAll(() => {
  raw = readRawDigits();
  sourceByKey = new Map();
  raw.forEach((values, digit) => {
    for (let position = 0; position < values.length / PIXELS; position++) {
      const row = Float32Array.from(values.slice(position * PIXELS, (position + 1) * PIXELS));
      sourceByKey.set(rowKey(row), { digit, position });
    }
  });
});

function sourceOf(dataset: TensorDataset, index: number): SourceRow | undefined {
  return sourceByKey.get(rowKey(dataset.get(index).x));
}

describe('loadMnist', () => {
  it('has 10,000 digits in the source', () => {
    const total = raw.reduce((sum, values) => sum + values.length / PIXELS, 0);
    expect(total).toBe(10000);
    expect(MNIST_SIZE).toBe(10000);
    expect(sourceByKey.size).toBe(10000);
  });

  it('returns the requested sizes and shapes', () => {
    const mnist = loadMnist();
    expect(mnist.train.length).toBe(8000);
    expect(mnist.test.length).toBe(2000);
    expect(mnist.classes).toBe(10);
    expect(mnist.imageShape).toEqual([28, 28]);
    expect(mnist.train.featureShape).toEqual([784]);
    expect(mnist.test.featureShape).toEqual([784]);
  });

  it('has pixels in [0, 1] and labels 0 to 9', () => {
    const { train, test } = loadMnist({ trainSize: 10000, testSize: 0 });
    expect(test.length).toBe(0);
    expect(train.features.length).toBe(10000 * PIXELS);
    let outside = 0;
    for (const value of train.features) if (!(value >= 0 && value <= 1)) outside++;
    expect(outside).toBe(0);
    const counts = new Array<number>(10).fill(0);
    for (const label of train.labels) counts[label]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(800);
      expect(count).toBeLessThanOrEqual(1200);
    }
    expect(counts).toEqual(raw.map((values) => values.length / PIXELS));
  });

  it('uses every source digit once across train and test', () => {
    const { train, test } = loadMnist({ trainSize: 8000, testSize: 2000, seed: 5 });
    const used = new Set<string>();
    for (const dataset of [train, test]) {
      for (let i = 0; i < dataset.length; i++) {
        const source = sourceOf(dataset, i);
        expect(source).toBeDefined();
        expect(dataset.get(i).y).toBe(source?.digit);
        used.add(`${source?.digit}:${source?.position}`);
      }
    }
    expect(used.size).toBe(10000);
  });

  it('matches the source JSON exactly', () => {
    const { train, test } = loadMnist({ trainSize: 100, testSize: 100, seed: 1 });
    for (const [dataset, index] of [
      [train, 0],
      [train, 57],
      [test, 0],
      [test, 99],
    ] as const) {
      const source = sourceOf(dataset, index);
      expect(source).toBeDefined();
      const { digit, position } = source as SourceRow;
      const expected = raw[digit].slice(position * PIXELS, (position + 1) * PIXELS);
      expect(Array.from(dataset.get(index).x)).toEqual(expected.map(Math.fround));
      expect(dataset.get(index).y).toBe(digit);
    }
  });

  it('gives the same split for the same seed', () => {
    const first = loadMnist({ trainSize: 500, testSize: 300, seed: 9 });
    const second = loadMnist({ trainSize: 500, testSize: 300, seed: 9 });
    expect(second.train.labels).toEqual(first.train.labels);
    expect(second.test.labels).toEqual(first.test.labels);
    expect(second.train.features).toEqual(first.train.features);
    expect(second.test.features).toEqual(first.test.features);
  });

  it('gives a different split for another seed', () => {
    const first = loadMnist({ trainSize: 500, testSize: 300, seed: 9 });
    const other = loadMnist({ trainSize: 500, testSize: 300, seed: 10 });
    expect(other.train.labels).not.toEqual(first.train.labels);
    expect(other.train.features).not.toEqual(first.train.features);
  });

  it('puts the first digits of a larger split first', () => {
    const small = loadMnist({ trainSize: 50, testSize: 0, seed: 4 });
    const large = loadMnist({ trainSize: 8000, testSize: 0, seed: 4 });
    expect(large.train.features.subarray(0, 50 * PIXELS)).toEqual(small.train.features);
  });

  it('returns fresh arrays on each call', () => {
    const first = loadMnist({ trainSize: 10, testSize: 0 });
    const expected = Array.from(first.train.get(0).x);
    first.train.features.fill(7);
    const second = loadMnist({ trainSize: 10, testSize: 0 });
    expect(Array.from(second.train.get(0).x)).toEqual(expected);
  });

  it('rejects more than 10,000 digits', () => {
    expect(() => loadMnist({ trainSize: 9000, testSize: 1001 })).toThrow(
      /loadMnist: trainSize \+ testSize = 9000 \+ 1001 = 10001 exceeds the 10000 digits/,
    );
  });

  it('rejects invalid options', () => {
    expect(() => loadMnist({ trainSize: -1 })).toThrow(/trainSize must be an integer in \[0, /);
    expect(() => loadMnist({ testSize: 2.5 })).toThrow(/testSize/);
    expect(() => loadMnist({ seed: -3 })).toThrow(/seed/);
    expect(() => loadMnist({ trainSize: 10001, testSize: 0 })).toThrow(ValueError);
    expect(() => loadMnist({ train_size: 10 } as never)).toThrow(/unknown option 'train_size'/);
  });
});
