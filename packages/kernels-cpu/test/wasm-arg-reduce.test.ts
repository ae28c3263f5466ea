import type { ArgReduceOp } from '@tessera/tensor';
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
const OPS: ArgReduceOp[] = ['argmax', 'argmin'];

function runArgReduce(
  backend: CpuBackend,
  op: ArgReduceOp,
  values: Float32Array,
  shape: number[],
  axis: number,
): Int32Array {
  const x = { storage: backend.write(values, 'float32'), shape, dtype: 'float32' as const };
  const outShape = shape.filter((_, a) => a !== axis);
  const size = outShape.reduce((a, b) => a * b, 1);
  const output = { shape: outShape, dtype: 'int32' as const, size };
  const result = backend.kernels.ArgReduce({ inputs: [x], attrs: { op, axis }, output });
  const indices = Int32Array.from(backend.readSync(result, 'int32', size));
  backend.dispose(x.storage);
  backend.dispose(result);
  return indices;
}

/** Expects the wasm backend to return the TypeScript backend's indices, row by row. */
function expectSameIndices(op: ArgReduceOp, values: Float32Array, shape: number[]): void {
  const axis = shape.length - 1;
  const expected = runArgReduce(typescriptBackend, op, values, shape, axis);
  const actual = runArgReduce(wasmBackend, op, values, shape, axis);
  expect(actual.length).toBe(expected.length);
  for (let r = 0; r < expected.length; r++) {
    if (actual[r] !== expected[r])
      expect.fail(`${op} row ${r}: got ${actual[r]}, expected ${expected[r]}`);
  }
}

/** Values from a few levels, so rows have many ties, with about one in `period` special. */
function tiedValues(count: number, seed: number, period: number): Float32Array {
  const specials = [NAN, INF, -INF, 0, -0];
  const values = Float32Array.from(seededValues(count, seed), (v) => Math.round(v * 4));
  const picks = seededValues(count, seed + 1);
  for (let i = 0; i < count; i++) {
    const pick = Math.floor(((picks[i] + 1) / 2) * period);
    if (pick < specials.length) values[i] = specials[pick];
  }
  return values;
}

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

describe('wasm ArgReduce', () => {
  test.each(ROW_SHAPES)('random rows match, shape [%i, %i]', (rows, n) => {
    const spy = vi.spyOn(WasmReduce.prototype, 'argRows');
    const values = Float32Array.from(seededValues(rows * n, rows + n), (v) => v * 1000);
    for (const op of OPS) expectSameIndices(op, values, [rows, n]);
    // Rows shorter than 8 floats keep the TypeScript loop.
    expect(spy).toHaveBeenCalledTimes(n >= 8 ? 2 : 0);
  });

  test('short rows match when called directly', () => {
    const wasm = sharedWasmReduce();
    if (wasm === undefined) throw new Error('WebAssembly SIMD is unavailable in this runtime');
    for (let n = 1; n < 8; n++) {
      const rows = 200;
      const values = tiedValues(rows * n, n, 6);
      for (const op of OPS) {
        const expected = runArgReduce(typescriptBackend, op, values, [rows, n], 1);
        const actual = new Int32Array(rows);
        wasm.argRows(op === 'argmax' ? 'max' : 'min', values, rows, n, actual);
        expect(actual).toEqual(expected);
      }
    }
  });

  test.each(ROW_SHAPES)('ties and specials match, shape [%i, %i]', (rows, n) => {
    for (const period of [4, 50, 100_000]) {
      const values = tiedValues(rows * n, rows * n + period, period);
      for (const op of OPS) expectSameIndices(op, values, [rows, n]);
    }
  });

  test.each([
    ['all NaN', [NAN]],
    ['all -inf', [-INF]],
    ['all +inf', [INF]],
    ['zeros of both signs', [-0, 0]],
    ['-inf and NaN', [-INF, NAN]],
    ['equal values', [3]],
  ])('constant rows match: %s', (_name, pattern) => {
    for (const n of [1, 3, 8, 13, 300, CHUNK + 9]) {
      const rows = Math.max(2, Math.ceil(600 / n));
      const values = Float32Array.from({ length: rows * n }, (_, i) => pattern[i % pattern.length]);
      for (const op of OPS) expectSameIndices(op, values, [rows, n]);
    }
  });

  test('first NaN wins at each position', () => {
    const n = 37;
    const values = Float32Array.from(seededValues(n * n, 3), (v) => v * 10);
    for (let r = 0; r < n; r++) {
      values[r * n + r] = NAN;
      if (r + 5 < n) values[r * n + r + 5] = NAN;
    }
    for (const op of OPS) expectSameIndices(op, values, [n, n]);
  });

  test('NaN in a later piece of a long row', () => {
    const n = 2 * CHUNK + 11;
    const values = Float32Array.from(seededValues(3 * n, 8), (v) => v * 10);
    values[CHUNK + 100] = 1e6;
    values[2 * CHUNK + 3] = NAN;
    values[n + 5] = NAN;
    values[2 * n + n - 1] = NAN;
    for (const op of OPS) expectSameIndices(op, values, [3, n]);
  });

  test('first extreme wins across pieces', () => {
    const n = 2 * CHUNK + 11;
    const values = new Float32Array(n);
    values[CHUNK + 7] = 5;
    values[2 * CHUNK + 1] = 5;
    values[CHUNK + 9] = -5;
    values[2 * CHUNK + 10] = -5;
    expectSameIndices('argmax', values, [1, n]);
    expectSameIndices('argmin', values, [1, n]);
    expect(runArgReduce(wasmBackend, 'argmax', values, [1, n], 1)[0]).toBe(CHUNK + 7);
    expect(runArgReduce(wasmBackend, 'argmin', values, [1, n], 1)[0]).toBe(CHUNK + 9);
  });

  test('rank-3 input along last axis', () => {
    const shape = [4, 9, 31];
    const values = tiedValues(4 * 9 * 31, 17, 20);
    for (const op of OPS) expectSameIndices(op, values, shape);
  });

  test('keeps TypeScript for other axes', () => {
    const spy = vi.spyOn(WasmReduce.prototype, 'argRows');
    const values = tiedValues(40 * 30, 5, 20);
    for (const op of OPS) {
      const expected = runArgReduce(typescriptBackend, op, values, [40, 30], 0);
      expect(runArgReduce(wasmBackend, op, values, [40, 30], 0)).toEqual(expected);
    }
    expect(spy).not.toHaveBeenCalled();
  });

  test('keeps TypeScript for small sizes and wasm: false', () => {
    const spy = vi.spyOn(WasmReduce.prototype, 'argRows');
    runArgReduce(wasmBackend, 'argmax', tiedValues(8 * 8, 1, 10), [8, 8], 1);
    runArgReduce(wasmBackend, 'argmax', tiedValues(1000 * 7, 1, 10), [1000, 7], 1);
    runArgReduce(typescriptBackend, 'argmax', tiedValues(64 * 64, 1, 10), [64, 64], 1);
    expect(spy).not.toHaveBeenCalled();
  });
});
