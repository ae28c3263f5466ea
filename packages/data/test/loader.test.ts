import { createCpuBackend } from '@tessera/kernels-cpu';
import { memory, registerBackend, setBackend, tidy, ValueError } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Batch,
  DataLoader,
  type DataLoaderOptions,
  type FeatureDataset,
  randomSplit,
  TensorDataset,
} from '../src/index';

beforeAll(async () => {
  registerBackend('cpu', () => createCpuBackend());
  await setBackend('cpu');
});

/** Row i has values 100 i, 100 i + 1, ... and label i, so a batch's values show its rows. */
function makeDataset(rows: number, featureShape: number[] = [2, 2]): TensorDataset {
  const featureSize = featureShape.reduce((a, b) => a * b, 1);
  const features = new Float32Array(rows * featureSize);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < featureSize; j++) features[i * featureSize + j] = 100 * i + j;
    labels[i] = i;
  }
  return new TensorDataset(features, labels, featureShape);
}

interface BatchValues {
  xShape: readonly number[];
  yShape: readonly number[];
  xDtype: string;
  yDtype: string;
  x: number[];
  y: number[];
  size: number;
}

/** Reads one batch's tensors into plain arrays and disposes them. */
async function readBatch(batch: Batch): Promise<BatchValues> {
  const values = {
    xShape: batch.x.shape,
    yShape: batch.y.shape,
    xDtype: batch.x.dtype,
    yDtype: batch.y.dtype,
    x: Array.from(await batch.x.data()),
    y: Array.from(await batch.y.data()),
    size: batch.size,
  };
  batch.x.dispose();
  batch.y.dispose();
  return values;
}

/** Runs one epoch of `loader` and returns its batches as plain arrays. */
async function readEpoch(loader: DataLoader): Promise<BatchValues[]> {
  const batches: BatchValues[] = [];
  for (const batch of loader) batches.push(await readBatch(batch));
  return batches;
}

async function epochOrder(loader: DataLoader): Promise<number[]> {
  return (await readEpoch(loader)).flatMap((batch) => batch.y);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('DataLoader batches', () => {
  it('have the expected shapes, dtypes and values', async () => {
    const loader = new DataLoader(makeDataset(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = await readEpoch(loader);
    expect(batches.map((batch) => batch.size)).toEqual([4, 4, 2]);
    expect(batches[0].xShape).toEqual([4, 2, 2]);
    expect(batches[0].yShape).toEqual([4]);
    expect(batches[0].xDtype).toBe('float32');
    expect(batches[0].yDtype).toBe('int32');
    expect(batches[0].y).toEqual([0, 1, 2, 3]);
    expect(batches[1].x.slice(0, 8)).toEqual([400, 401, 402, 403, 500, 501, 502, 503]);
  });

  it('keep the last partial batch', async () => {
    const batches = await readEpoch(new DataLoader(makeDataset(10), { batchSize: 4 }));
    const last = batches[2];
    expect(last.xShape).toEqual([2, 2, 2]);
    expect(last.yShape).toEqual([2]);
    expect(last.y).toEqual([8, 9]);
    expect(last.x).toEqual([800, 801, 802, 803, 900, 901, 902, 903]);
  });

  it('drop the last partial batch with dropLast', async () => {
    const loader = new DataLoader(makeDataset(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    const batches = await readEpoch(loader);
    expect(batches.map((batch) => batch.size)).toEqual([4, 4]);
    expect(batches.flatMap((batch) => batch.y)).toEqual(range(8));
  });

  it('count batches for edge sizes', () => {
    const cases: [rows: number, options: DataLoaderOptions, batches: number][] = [
      [8, { batchSize: 4 }, 2],
      [8, { batchSize: 4, dropLast: true }, 2],
      [3, { batchSize: 5 }, 1],
      [3, { batchSize: 5, dropLast: true }, 0],
      [0, { batchSize: 2 }, 0],
      [7, { batchSize: 1 }, 7],
    ];
    for (const [rows, options, batches] of cases) {
      expect(new DataLoader(makeDataset(rows), options).length).toBe(batches);
    }
  });

  it('match the row data when shuffled', async () => {
    const batches = await readEpoch(
      new DataLoader(makeDataset(9), { batchSize: 4, shuffle: true }),
    );
    for (const batch of batches) {
      const expected = batch.y.flatMap((i) => [100 * i, 100 * i + 1, 100 * i + 2, 100 * i + 3]);
      expect(batch.x).toEqual(expected);
    }
  });

  it('support scalar and 3-d feature shapes', async () => {
    const scalar = await readEpoch(new DataLoader(makeDataset(3, []), { batchSize: 2 }));
    expect(scalar[0].xShape).toEqual([2]);
    expect(scalar[0].x).toEqual([0, 100]);
    const image = await readEpoch(new DataLoader(makeDataset(3, [1, 2, 3]), { batchSize: 3 }));
    expect(image[0].xShape).toEqual([3, 1, 2, 3]);
    expect(image[0].x.length).toBe(18);
  });

  it('accept subsets', async () => {
    const [train] = randomSplit(makeDataset(20), [15, 5], 2);
    const batches = await readEpoch(new DataLoader(train, { batchSize: 8 }));
    const order = batches.flatMap((batch) => batch.y);
    expect(order).toEqual(train.indices);
    expect(batches[0].xShape).toEqual([8, 2, 2]);
  });

  it('leak nothing once disposed', async () => {
    const loader = new DataLoader(makeDataset(10), { batchSize: 3, shuffle: true });
    const before = memory().buffers;
    await readEpoch(loader);
    expect(memory().buffers).toBe(before);
    tidy(() => {
      for (const batch of loader) batch.x.add(1);
    });
    expect(memory().buffers).toBe(before);
  });
});

describe('DataLoader order', () => {
  it('keeps index order without shuffle', async () => {
    const loader = new DataLoader(makeDataset(7), { batchSize: 3 });
    expect(await epochOrder(loader)).toEqual(range(7));
    expect(await epochOrder(loader)).toEqual(range(7));
  });

  it('visits every index once per shuffled epoch', async () => {
    const loader = new DataLoader(makeDataset(50), { batchSize: 8, shuffle: true, seed: 3 });
    for (let epoch = 0; epoch < 3; epoch++) {
      const order = await epochOrder(loader);
      expect(order).toHaveLength(50);
      expect([...order].sort((a, b) => a - b)).toEqual(range(50));
      expect(order).not.toEqual(range(50));
    }
  });

  it('repeats for the same seed', async () => {
    const options = { batchSize: 8, shuffle: true, seed: 42 };
    const first = new DataLoader(makeDataset(40), options);
    const second = new DataLoader(makeDataset(40), options);
    for (let epoch = 0; epoch < 3; epoch++) {
      expect(await epochOrder(second)).toEqual(await epochOrder(first));
    }
  });

  it('changes with the epoch', async () => {
    const loader = new DataLoader(makeDataset(40), { batchSize: 8, shuffle: true, seed: 42 });
    const orders = [await epochOrder(loader), await epochOrder(loader), await epochOrder(loader)];
    expect(orders[1]).not.toEqual(orders[0]);
    expect(orders[2]).not.toEqual(orders[0]);
    expect(orders[2]).not.toEqual(orders[1]);
  });

  it('changes with the seed', async () => {
    const first = new DataLoader(makeDataset(40), { batchSize: 8, shuffle: true, seed: 1 });
    const other = new DataLoader(makeDataset(40), { batchSize: 8, shuffle: true, seed: 2 });
    expect(await epochOrder(other)).not.toEqual(await epochOrder(first));
  });

  it('counts epochs and replays a set epoch', async () => {
    const loader = new DataLoader(makeDataset(30), { batchSize: 8, shuffle: true, seed: 5 });
    expect(loader.epoch).toBe(0);
    await epochOrder(loader);
    const epochOne = await epochOrder(loader);
    expect(loader.epoch).toBe(2);
    loader.epoch = 1;
    expect(await epochOrder(loader)).toEqual(epochOne);
    expect(loader.epoch).toBe(2);
    expect(loader.order(1)).toEqual(epochOne);
  });

  it('counts an epoch that stops early', () => {
    const loader = new DataLoader(makeDataset(30), { batchSize: 8 });
    for (const batch of loader) {
      batch.x.dispose();
      batch.y.dispose();
      break;
    }
    expect(loader.epoch).toBe(1);
  });
});

describe('DataLoader options', () => {
  const dataset = makeDataset(4);
  const invalid: [options: unknown, message: RegExp][] = [
    [{ batchSize: 0 }, /DataLoader: batchSize must be an integer >= 1, got 0/],
    [{ batchSize: -2 }, /batchSize must be an integer >= 1, got -2/],
    [{ batchSize: 1.5 }, /batchSize must be an integer >= 1, got 1.5/],
    [{ batchSize: '4' }, /batchSize must be an integer >= 1, got '4'/],
    [{}, /batchSize must be an integer >= 1, got undefined/],
    [{ batchSize: 2, shuffle: 'yes' }, /shuffle must be true or false, got 'yes'/],
    [{ batchSize: 2, dropLast: 1 }, /dropLast must be true or false, got 1/],
    [{ batchSize: 2, seed: -1 }, /seed must be an integer in \[0, 4294967295\], got -1/],
    [{ batchSize: 2, seed: 2 ** 32 }, /seed must be an integer in \[0, 4294967295\]/],
    [{ batchSize: 2, batch_size: 2 }, /unknown option 'batch_size'/],
    [undefined, /options are missing/],
    [7, /options must be an object, got 7/],
  ];

  it('rejects invalid options', () => {
    for (const [options, message] of invalid) {
      expect(() => new DataLoader(dataset, options as DataLoaderOptions)).toThrow(message);
      expect(() => new DataLoader(dataset, options as DataLoaderOptions)).toThrow(ValueError);
    }
  });

  it('rejects a dataset without a feature shape', () => {
    const plain = { length: 3, get: () => ({ x: new Float32Array(1), y: 0 }) };
    expect(() => new DataLoader(plain as unknown as FeatureDataset, { batchSize: 1 })).toThrow(
      /DataLoader: dataset must have a length, a get\(index\) method and a featureShape/,
    );
  });

  it('rejects items that do not fit the feature shape', () => {
    const wrong: FeatureDataset = {
      length: 2,
      featureShape: [3],
      get: (i) => ({ x: new Float32Array(i + 2), y: i }),
    };
    const loader = new DataLoader(wrong, { batchSize: 2 });
    expect(() => [...loader]).toThrow(/DataLoader: item 0 has 2 feature values, but .*needs 3/);
  });

  it('rejects an invalid epoch', () => {
    const loader = new DataLoader(dataset, { batchSize: 2 });
    expect(() => {
      loader.epoch = -1;
    }).toThrow(/DataLoader: epoch must be an integer in \[0, 4294967295\], got -1/);
    expect(() => loader.order(0.5)).toThrow(/DataLoader.order: epoch/);
  });
});
