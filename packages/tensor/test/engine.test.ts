import { describe, expect, it } from 'vitest';
import { BackendError, Random, registerBackend, setBackend, tensor } from '../src/index';

describe('engine without a backend', () => {
  it('tells the user which package to install', () => {
    expect(() => tensor([1, 2])).toThrow(BackendError);
    expect(() => tensor([1, 2])).toThrow(/Install @tessera\/kernels-cpu.*registerBackend\('cpu'/);
  });

  it('rejects an unknown backend name', async () => {
    await expect(setBackend('nope')).rejects.toThrow(/backend 'nope' is not registered/);
  });

  it('reports a backend that fails to start, with the reason', async () => {
    registerBackend('broken', async () => {
      throw new Error('no adapter found');
    });
    await expect(setBackend('broken')).rejects.toThrow(
      "setBackend: backend 'broken' failed to start: no adapter found",
    );
  });
});

describe('Random', () => {
  it('repeats a sequence for a seed and differs across seeds', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(first);
  });

  it('draws normals with mean near 0 and variance near 1', () => {
    const random = new Random(1);
    const samples = Array.from({ length: 20_000 }, () => random.normal());
    const mean = samples.reduce((s, v) => s + v, 0) / samples.length;
    const variance = samples.reduce((s, v) => s + (v - mean) ** 2, 0) / samples.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});
