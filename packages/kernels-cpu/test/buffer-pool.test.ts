import {
  argmax,
  conv2d,
  full,
  matmul,
  registerBackend,
  scatterAdd,
  setBackend,
  sum,
  tensor,
  tidy,
} from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CpuBackend, createCpuBackend } from '../src';
import { BufferPool } from '../src/buffer-pool';
import { expectValues } from './helpers';

let backend: CpuBackend;

beforeAll(async () => {
  registerBackend('cpu-pooled', () => createCpuBackend({ name: 'cpu-pooled' }));
  backend = (await setBackend('cpu-pooled')) as CpuBackend;
});

afterAll(async () => {
  await setBackend('cpu').catch(() => undefined);
});

/** Leaves a freed array of `size` float32 NaNs in the pool. */
function poison(size: number): void {
  full([size], Number.NaN).dispose();
}

describe('BufferPool', () => {
  it('returns an array of the same type and length', () => {
    const pool = new BufferPool(1024);
    const array = new Float32Array(8);
    pool.give(array);
    expect(pool.take(Int32Array, 8)).toBeUndefined();
    expect(pool.take(Float32Array, 4)).toBeUndefined();
    expect(pool.take(Float32Array, 8)).toBe(array);
    expect(pool.take(Float32Array, 8)).toBeUndefined();
    expect(pool.hits).toBe(1);
    expect(pool.misses).toBe(3);
  });

  it('evicts the least recently used length when full', () => {
    const pool = new BufferPool(64);
    const old = new Float32Array(8);
    const recent = new Float32Array(4);
    pool.give(old);
    pool.give(recent);
    expect(pool.bytes).toBe(48);
    pool.give(new Float32Array(6));
    expect(pool.bytes).toBe(40);
    expect(pool.buffers).toBe(2);
    expect(pool.take(Float32Array, 8)).toBeUndefined();
    expect(pool.take(Float32Array, 4)).toBe(recent);
    expect(pool.take(Float32Array, 6)).toBeDefined();
  });

  it('keeps nothing larger than its limit', () => {
    const pool = new BufferPool(16);
    pool.give(new Float32Array(8));
    expect(pool.buffers).toBe(0);
    const off = new BufferPool(0);
    off.give(new Float32Array(1));
    expect(off.buffers).toBe(0);
  });
});

describe('CPU backend pool', () => {
  it('reuses a freed buffer for the next output of that size', () => {
    const x = tensor([1, 2, 3, 4]);
    x.exp().dispose();
    const { hits } = backend.pooled();
    const y = x.exp();
    expect(backend.pooled().hits).toBe(hits + 1);
    y.dispose();
    x.dispose();
  });

  it('zeroes reused buffers for kernels that accumulate', () => {
    const result = tidy(() => {
      poison(4);
      const product = matmul(
        tensor([[1, 2]]),
        tensor([
          [1, 2, 3, 4],
          [5, 6, 7, 8],
        ]),
      );
      poison(2);
      const total = sum(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        1,
      );
      poison(3);
      const scattered = scatterAdd(tensor([1, 2]), tensor([0, 0], [2], 'int32'), 0, [3]);
      poison(4);
      const image = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
      const convolved = conv2d(image, full([1, 1, 2, 2], 1));
      poison(2);
      const index = argmax(
        tensor([
          [3, 1],
          [0, 5],
        ]),
        1,
      );
      return { product, total, scattered, convolved, index };
    });
    expectValues(result.product, [11, 14, 17, 20]);
    expectValues(result.total, [3, 7]);
    expectValues(result.scattered, [3, 0, 0]);
    expectValues(result.convolved, [12, 16, 24, 28]);
    expect(Array.from(result.index.dataSync())).toEqual([0, 1]);
    for (const t of Object.values(result)) t.dispose();
  });

  it('stays within poolBytes', async () => {
    const small = createCpuBackend({ name: 'cpu-small-pool', poolBytes: 64 });
    registerBackend('cpu-small-pool', () => small);
    await setBackend('cpu-small-pool');
    try {
      for (let i = 1; i <= 40; i++) full([i], 1).dispose();
      expect(small.pooled().bytes).toBeLessThanOrEqual(64);
      expect(small.memory()).toEqual({ bytes: 0, buffers: 0 });
    } finally {
      await setBackend('cpu-pooled');
    }
  });

  it('rejects an invalid poolBytes', () => {
    expect(() => createCpuBackend({ poolBytes: -1 })).toThrow(
      'cpu: poolBytes must be a finite number >= 0, got -1',
    );
    expect(() => createCpuBackend({ poolBytes: Number.NaN })).toThrow(/poolBytes must be/);
  });
});
