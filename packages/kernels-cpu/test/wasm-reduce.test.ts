import type { KernelInput, ReduceOp, Storage } from '@tessera/tensor';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { type CpuBackend, createCpuBackend } from '../src';
import { CHUNK } from '../src/wasm/wasm-elementwise';
import { sharedWasmReduce, WasmReduce } from '../src/wasm/wasm-reduce';
import { seededValues } from './helpers';

const wasmBackend = createCpuBackend({ threads: 1 });
const typescriptBackend = createCpuBackend({ wasm: false });
afterAll(() => {
  wasmBackend.destroy();
  typescriptBackend.destroy();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const INF = Number.POSITIVE_INFINITY;
const NAN = Number.NaN;

const bitsView = new Int32Array(1);
const floatView = new Float32Array(bitsView.buffer);

function orderedBits(value: number): number {
  floatView[0] = value;
  const bits = bitsView[0];
  return bits >= 0 ? bits : -(bits & 0x7fffffff);
}

/** Returns how many float32 values lie between a and b: 0 for equal values or two NaNs. */
function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : INF;
  if (a === b) return 0;
  return Math.abs(orderedBits(a) - orderedBits(b));
}

/** Returns the max ulp distance between two arrays, and the index where it occurs. */
function maxUlp(actual: ArrayLike<number>, expected: ArrayLike<number>): [number, number] {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = ulpDistance(actual[i], expected[i]);
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  return [worst, at];
}

/** Expects the same values and, for zeros, the same sign (Object.is also equates NaNs). */
function expectIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

function input(backend: CpuBackend, values: Float32Array, shape: number[]): KernelInput {
  return { storage: backend.write(values, 'float32'), shape, dtype: 'float32' };
}

function readAndDispose(backend: CpuBackend, storage: Storage, size: number): Float32Array {
  const values = backend.readSync(storage, 'float32', size) as Float32Array;
  backend.dispose(storage);
  return values;
}

function runReduce(
  backend: CpuBackend,
  op: ReduceOp,
  values: Float32Array,
  shape: number[],
  axes: number[],
): Float32Array {
  const x = input(backend, values, shape);
  const outShape = shape.filter((_, axis) => !axes.includes(axis));
  const size = outShape.reduce((a, b) => a * b, 1);
  const output = { shape: outShape, dtype: 'float32' as const, size };
  const result = backend.kernels.Reduce({ inputs: [x], attrs: { op, axes }, output });
  backend.dispose(x.storage);
  return readAndDispose(backend, result, size);
}

function runSoftmax(
  backend: CpuBackend,
  log: boolean,
  values: Float32Array,
  shape: number[],
): Float32Array {
  const x = input(backend, values, shape);
  const axis = shape.length - 1;
  const output = { shape, dtype: 'float32' as const, size: values.length };
  const call = { inputs: [x] as [KernelInput], attrs: { axis }, output };
  const kernel = log ? backend.kernels.LogSoftmax : backend.kernels.Softmax;
  if (kernel === undefined) throw new Error('the CPU backend has no Softmax or LogSoftmax kernel');
  const result = kernel(call);
  backend.dispose(x.storage);
  return readAndDispose(backend, result, values.length);
}

/** Uniform values in (-scale, scale), rounded to float32. */
function randomValues(count: number, seed: number, scale: number): Float32Array {
  return Float32Array.from(seededValues(count, seed), (v) => v * scale);
}

/** Random values with about one in `period` replaced by a special value. */
function withSpecials(count: number, seed: number, period: number): Float32Array {
  const specials = [NAN, INF, -INF, 0, -0];
  const values = randomValues(count, seed, 10);
  const picks = seededValues(count, seed + 1);
  for (let i = 0; i < count; i++) {
    const pick = Math.floor(((picks[i] + 1) / 2) * period);
    if (pick < specials.length) values[i] = specials[pick];
  }
  return values;
}

/**
 * Max ulp distances from the TypeScript kernels, which compute in float64. Over these tests
 * the measured maxima were 2 for softmax (float32 exp, 1 / sum rounded to float32, one
 * product) and 1 for log-softmax, so the limits leave 1 ulp of margin.
 */
const SOFTMAX_ULP_LIMIT = { softmax: 3, logSoftmax: 2 };

/** Shapes [rows, n] with n not a multiple of 4 or 8, and rows longer than the scratch. */
const ROW_SHAPES: [number, number][] = [
  [64, 4],
  [100, 7],
  [33, 13],
  [8, 259],
  [3, 1001],
  [2, CHUNK],
  [5, CHUNK - 3],
  [2, CHUNK + 5],
  [1, 3 * CHUNK + 17],
  [300, 1],
];

describe('wasm reduce', () => {
  test('module builds here', () => {
    expect(sharedWasmReduce()).toBeDefined();
  });

  test('kernels route to wasm only when enabled', () => {
    const methods = ['sumRows', 'extremeRows', 'sumColumns', 'softmaxRows'] as const;
    const spies = methods.map((name) => vi.spyOn(WasmReduce.prototype, name));
    const values = randomValues(512, 5, 1);
    for (const backend of [typescriptBackend, wasmBackend]) {
      runReduce(backend, 'sum', values, [16, 32], [1]);
      runReduce(backend, 'max', values, [16, 32], [1]);
      runReduce(backend, 'sum', values, [16, 32], [0]);
      runSoftmax(backend, false, values, [16, 32]);
    }
    for (const spy of spies) expect(spy).toHaveBeenCalledTimes(1);
    // Below the size threshold, along a middle axis and for prod: the TypeScript loops.
    runReduce(wasmBackend, 'sum', values.subarray(0, 64), [8, 8], [1]);
    runReduce(wasmBackend, 'sum', values, [8, 8, 8], [1]);
    runReduce(wasmBackend, 'prod', values, [16, 32], [1]);
    for (const spy of spies) expect(spy).toHaveBeenCalledTimes(1);
  });

  describe.each(ROW_SHAPES)('rows %i x %i', (rows, n) => {
    const shape = [rows, n];
    const values = randomValues(rows * n, rows * 7919 + n, 100);

    test('sum matches float64 reference', () => {
      const actual = runReduce(wasmBackend, 'sum', values, shape, [1]);
      const expected = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += values[r * n + i];
        expected[r] = s;
      }
      // Both sum in float64 and round once, so only a float64 rounding difference that
      // lands on a float32 rounding boundary can make them differ, by 1 ulp.
      const [worst] = maxUlp(actual, expected);
      expect(worst).toBeLessThanOrEqual(1);
    });

    for (const op of ['max', 'min'] as const) {
      test(`${op} matches typescript exactly`, () => {
        const special = withSpecials(rows * n, rows + n, 4 * n);
        for (const data of [values, special]) {
          expectIdentical(
            runReduce(wasmBackend, op, data, shape, [1]),
            runReduce(typescriptBackend, op, data, shape, [1]),
          );
        }
      });
    }

    for (const op of ['sum', 'max', 'min'] as const) {
      test(`${op} over columns matches typescript exactly`, () => {
        const special = withSpecials(rows * n, rows * 3 + n, 8);
        for (const data of [values, special]) {
          expectIdentical(
            runReduce(wasmBackend, op, data, shape, [0]),
            runReduce(typescriptBackend, op, data, shape, [0]),
          );
        }
      });
    }

    for (const log of [false, true]) {
      const name = log ? 'logSoftmax' : 'softmax';
      test(`${name} within ulp limit of typescript`, () => {
        const actual = runSoftmax(wasmBackend, log, values, shape);
        const expected = runSoftmax(typescriptBackend, log, values, shape);
        const [worst, at] = maxUlp(actual, expected);
        expect(worst, `index ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(
          SOFTMAX_ULP_LIMIT[name],
        );
      });

      test(`${name} special values match typescript`, () => {
        const special = withSpecials(rows * n, rows * 5 + n, 3 * n);
        const actual = runSoftmax(wasmBackend, log, special, shape);
        const expected = runSoftmax(typescriptBackend, log, special, shape);
        const [worst, at] = maxUlp(actual, expected);
        expect(worst, `index ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(
          SOFTMAX_ULP_LIMIT[name],
        );
      });
    }
  });

  test('max and min keep the first zero sign', () => {
    // 64 rows of 8: zeros of both signs in every order, beside negatives (max) or positives.
    const rows = 64;
    const n = 8;
    const values = new Float32Array(rows * n);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < n; i++) values[r * n + i] = (r >> i) & 1 ? -0 : 0;
      values[r * n + (r % n)] = r % 2 ? -1 : 1;
    }
    for (const op of ['max', 'min'] as const) {
      expectIdentical(
        runReduce(wasmBackend, op, values, [rows, n], [1]),
        runReduce(typescriptBackend, op, values, [rows, n], [1]),
      );
      expectIdentical(
        runReduce(wasmBackend, op, values, [rows, n], [0]),
        runReduce(typescriptBackend, op, values, [rows, n], [0]),
      );
    }
  });

  test('softmax rows of infinities and NaN match typescript', () => {
    const n = 9;
    const rows = [
      Array(n).fill(-INF),
      [-INF, ...Array(n - 1).fill(1)],
      [INF, ...Array(n - 1).fill(1)],
      [INF, INF, ...Array(n - 2).fill(-INF)],
      [NAN, ...Array(n - 1).fill(1)],
      [1, 2, 3, NAN, 5, 6, 7, 8, 9],
      [80, -80, 0, 1e-30, -1e30, 88, 89, -103, 50],
      Array(n).fill(0),
      Array(n).fill(3e38),
      [-3e38, ...Array(n - 1).fill(3e38)],
    ];
    const values = new Float32Array(rows.flat().concat(Array(30 * n).fill(0.5)));
    const shape = [values.length / n, n];
    for (const log of [false, true]) {
      const actual = runSoftmax(wasmBackend, log, values, shape);
      const expected = runSoftmax(typescriptBackend, log, values, shape);
      const [worst, at] = maxUlp(actual, expected);
      expect(
        worst,
        `log ${log}, index ${at}: ${actual[at]} vs ${expected[at]}`,
      ).toBeLessThanOrEqual(SOFTMAX_ULP_LIMIT[log ? 'logSoftmax' : 'softmax']);
    }
  });

  test('reduce over several trailing and leading axes', () => {
    const shape = [3, 5, 7, 11];
    const values = randomValues(3 * 5 * 7 * 11, 99, 10);
    for (const axes of [
      [2, 3],
      [1, 2, 3],
      [0, 1],
      [0, 1, 2],
      [0, 1, 2, 3],
    ]) {
      for (const op of ['sum', 'max', 'min'] as const) {
        const actual = runReduce(wasmBackend, op, values, shape, axes);
        const expected = runReduce(typescriptBackend, op, values, shape, axes);
        const [worst] = maxUlp(actual, expected);
        expect(worst, `${op} over ${axes}`).toBeLessThanOrEqual(op === 'sum' ? 1 : 0);
      }
    }
  });
});
