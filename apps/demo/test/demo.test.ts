import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataLoader } from '@tessera/data';
import { loadMnist } from '@tessera/data/mnist';
import { memory } from '@tessera/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../src/backends';
import { buildMlp } from '../src/model';
import { buildOptimizer } from '../src/optimizers';
import { runDemo } from '../src/run';
import { predict, trainEpoch } from '../src/train';

await useBackend('cpu');

describe('demo data', () => {
  it('batches real MNIST digits', () => {
    const { train, test } = loadMnist({ trainSize: 300, testSize: 100, seed: 0 });
    const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
    expect(loader.length).toBe(5);
    const batches = [...loader];
    expect(batches[0].x.shape).toEqual([64, 784]);
    expect(batches[0].y.dtype).toBe('int32');
    expect(batches[4].size).toBe(300 - 4 * 64);
    for (const batch of batches) {
      batch.x.dispose();
      batch.y.dispose();
    }
    expect(test.length).toBe(100);
  });
});

describe('demo training', () => {
  it('lowers the loss on a few hundred digits without growing memory', async () => {
    const { train, test } = loadMnist({ trainSize: 400, testSize: 200, seed: 1 });
    const model = buildMlp(32, 1);
    const optimizer = buildOptimizer('adam', model.parameters(), 3e-3);
    const loader = new DataLoader(train, { batchSize: 50, shuffle: true, seed: 1 });
    const first = await trainEpoch(model, optimizer, loader, () => {});
    const buffersAfterFirst = memory().buffers;
    let last = first;
    for (let epoch = 0; epoch < 4; epoch++)
      last = await trainEpoch(model, optimizer, loader, () => {});
    expect(memory().buffers).toBe(buffersAfterFirst);
    expect(last.loss).toBeLessThan(first.loss * 0.6);
    const { yTrue, yPred } = await predict(model, new DataLoader(test, { batchSize: 100 }));
    const correct = yTrue.filter((label, i) => label === yPred[i]).length;
    // Ten classes: chance is 0.1; a few epochs on 400 digits reach well above it.
    expect(correct / yTrue.length).toBeGreaterThan(0.6);
  });
});

describe('demo command', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints JSON metrics, saves weights and evaluates them with --load', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
    const save = join(mkdtempSync(join(tmpdir(), 'tessera-demo-')), 'mlp.safetensors');
    const common = {
      batchSize: 50,
      optimizer: 'adam' as const,
      seed: 0,
      backend: 'cpu' as const,
      model: 'mlp' as const,
    };
    const sizes = { trainSize: 500, testSize: 200, hidden: 16, json: true, save };
    await runDemo({ ...common, ...sizes, epochs: 2 });
    const trained = JSON.parse(lines[0]);
    expect(Object.keys(trained).sort()).toEqual(['accuracy', 'epochs', 'macroF1', 'seconds']);
    expect(trained.epochs).toBe(2);
    await runDemo({ ...common, ...sizes, epochs: 2, load: save });
    const loaded = JSON.parse(lines[1]);
    expect(loaded.accuracy).toBe(trained.accuracy);
    expect(loaded.epochs).toBe(0);
  });
});
