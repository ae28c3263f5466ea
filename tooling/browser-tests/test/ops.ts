import {
  add,
  div,
  gather,
  matmul,
  max,
  mean,
  mul,
  setBackend,
  softmax,
  sub,
  sum,
  type Tensor,
  tensor,
  tidy,
} from '@tessera/tensor';
import { describe, expect, test } from 'vitest';

/** Deterministic floats in [-1, 1) from a xorshift32 generator. */
export function seededValues(count: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

function seeded(shape: number[], seed: number): Tensor {
  const count = shape.reduce((product, size) => product * size, 1);
  return tensor(seededValues(count, seed), shape, 'float32');
}

/** One op to run on the CPU backend and on a GPU backend in the same page. */
interface OpCase {
  name: string;
  build: () => Tensor;
  /** Relative tolerance, because float32 sums on a GPU round in a different order than on the CPU. */
  tolerance: number;
}

const OP_CASES: readonly OpCase[] = [
  {
    name: 'matmul',
    build: () => matmul(seeded([5, 7], 1), seeded([7, 3], 2)),
    tolerance: 1e-5,
  },
  {
    name: 'matmul transposeA',
    build: () => matmul(seeded([6, 4], 3), seeded([6, 5], 4), { transposeA: true }),
    tolerance: 1e-5,
  },
  {
    name: 'batched matmul transposeB',
    build: () => matmul(seeded([2, 3, 8], 5), seeded([2, 5, 8], 6), { transposeB: true }),
    tolerance: 1e-5,
  },
  {
    name: 'matmul both transposed',
    build: () =>
      matmul(seeded([9, 4], 7), seeded([6, 9], 8), { transposeA: true, transposeB: true }),
    tolerance: 1e-5,
  },
  { name: 'softmax last axis', build: () => softmax(seeded([4, 7], 9)), tolerance: 1e-5 },
  { name: 'softmax axis 0', build: () => softmax(seeded([6, 3], 10), 0), tolerance: 1e-5 },
  { name: 'sum over axis 1', build: () => sum(seeded([5, 9], 11), 1), tolerance: 1e-5 },
  { name: 'max over axis 0', build: () => max(seeded([4, 6], 12), 0), tolerance: 0 },
  { name: 'mean of all', build: () => mean(seeded([3, 4, 5], 13)), tolerance: 1e-5 },
  {
    name: 'add column and row',
    build: () => add(seeded([3, 1], 14), seeded([1, 4], 15)),
    tolerance: 1e-6,
  },
  {
    name: 'mul by trailing vector',
    build: () => mul(seeded([2, 3, 4], 16), seeded([4], 17)),
    tolerance: 1e-6,
  },
  {
    name: 'sub broadcast over batch',
    build: () => sub(seeded([2, 1, 5], 18), seeded([3, 5], 19)),
    tolerance: 1e-6,
  },
  {
    name: 'div by scalar tensor',
    build: () => div(seeded([4, 3], 20), tensor([0.75], [], 'float32')),
    tolerance: 1e-6,
  },
  {
    name: 'gather rows',
    build: () => gather(seeded([5, 3], 21), tensor([4, 0, 2, 2], [4], 'int32')),
    tolerance: 0,
  },
  {
    name: 'gather along axis 1',
    build: () => gather(seeded([3, 6], 22), tensor([5, 1, 0, 3], [2, 2], 'int32'), 1),
    tolerance: 0,
  },
];

interface RunResult {
  values: ArrayLike<number>;
  shape: number[];
  dtype: string;
}

async function runOn(backendName: string, build: () => Tensor): Promise<RunResult> {
  await setBackend(backendName);
  const output = tidy(build);
  const values = await output.data();
  const result = { values: Array.from(values), shape: [...output.shape], dtype: output.dtype };
  output.dispose();
  return result;
}

function expectClose(actual: RunResult, expected: RunResult, tolerance: number): void {
  expect(actual.shape, 'shape').toEqual(expected.shape);
  expect(actual.dtype, 'dtype').toBe(expected.dtype);
  expect(actual.values.length, 'length').toBe(expected.values.length);
  for (let i = 0; i < expected.values.length; i++) {
    const got = actual.values[i];
    const want = expected.values[i];
    if (!(Math.abs(got - want) <= tolerance * (1 + Math.abs(want)))) {
      expect.fail(`element ${i}: got ${got}, expected ${want} (tolerance ${tolerance})`);
    }
  }
}

/**
 * Registers one test per op case that runs it on the backend registered as `cpuName` and on
 * the one registered as `gpuName`, and checks that shapes, dtypes and values agree.
 */
export function describeOpsMatchCpu(gpuName: string, cpuName = 'cpu'): void {
  describe(`${gpuName} ops match cpu`, () => {
    for (const opCase of OP_CASES) {
      test(opCase.name, async () => {
        const expected = await runOn(cpuName, opCase.build);
        const actual = await runOn(gpuName, opCase.build);
        expectClose(actual, expected, opCase.tolerance);
      });
    }
  });
}
