import type { BinaryOp, KernelInput, Storage, UnaryOp } from '@tessera/tensor';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { type CpuBackend, createCpuBackend } from '../src';
import { CHUNK, sharedWasmElementwise, WasmElementwise } from '../src/wasm/wasm-elementwise';
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
const SMALLEST_SUBNORMAL = 2 ** -149;
const LARGEST_SUBNORMAL = 2 ** -126 - 2 ** -149;
const LARGEST_FLOAT32 = (2 - 2 ** -23) * 2 ** 127;

/** Values that every op is checked on, beside the sweeps. */
const SPECIAL_VALUES = [
  0,
  -0,
  INF,
  -INF,
  NAN,
  1,
  -1,
  0.5,
  -0.5,
  SMALLEST_SUBNORMAL,
  -SMALLEST_SUBNORMAL,
  LARGEST_SUBNORMAL,
  -LARGEST_SUBNORMAL,
  2 ** -126,
  LARGEST_FLOAT32,
  -LARGEST_FLOAT32,
  88.72,
  88.73,
  89,
  -87.3,
  -100,
  -103.9,
  -104,
  -1e30,
  1e30,
  0.625,
  -0.625,
  9,
  -9,
  20,
  1e-20,
  -1e-20,
];

const bitsView = new Int32Array(1);
const floatView = new Float32Array(bitsView.buffer);

/** Returns the float32 bits of `value` as an integer that orders like the values. */
function orderedBits(value: number): number {
  floatView[0] = value;
  const bits = bitsView[0];
  return bits >= 0 ? bits : -(bits & 0x7fffffff);
}

/** Returns how many float32 values lie between `actual` and `expected` (0 for two NaNs). */
function ulpDistance(actual: number, expected: number): number {
  if (Number.isNaN(actual) || Number.isNaN(expected)) {
    return Number.isNaN(actual) && Number.isNaN(expected) ? 0 : INF;
  }
  return Math.abs(orderedBits(actual) - orderedBits(expected));
}

/** float64 references, rounded to float32 on store as the TypeScript loops do. */
const UNARY_REFERENCES: Record<string, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  neg: (x) => -x,
  abs: Math.abs,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
};

/**
 * Max ulp errors allowed against the float64 reference: the max over every float32 input
 * (scripts/elementwise-ulp.mjs). The cheap ops must be exact.
 */
const UNARY_ULP_LIMITS: Record<string, number> = {
  exp: 1,
  log: 1,
  tanh: 2,
  sigmoid: 2,
  rsqrt: 1,
  neg: 0,
  abs: 0,
  sqrt: 0,
  square: 0,
  reciprocal: 0,
  relu: 0,
};

/**
 * float32 inputs for a sweep: every 4096th bit pattern (all magnitudes of both signs, NaNs
 * included), then 2^20 evenly spaced values over [lo, hi].
 */
function sweepInputs(lo: number, hi: number): Float32Array {
  const stride = 4096;
  const patterns = new Int32Array(2 ** 32 / stride);
  for (let i = 0; i < patterns.length; i++) patterns[i] = (i * stride + 1234) | 0;
  const even = 2 ** 20;
  const values = new Float32Array(patterns.length + even + SPECIAL_VALUES.length);
  values.set(new Float32Array(patterns.buffer));
  for (let i = 0; i < even; i++) values[patterns.length + i] = lo + ((hi - lo) * i) / (even - 1);
  values.set(SPECIAL_VALUES, patterns.length + even);
  return values;
}

/** Ranges where each op's results change, swept densely. */
const SWEEP_RANGES: Record<string, [number, number]> = {
  exp: [-104, 89],
  log: [0, 4],
  tanh: [-10, 10],
  sigmoid: [-105, 20],
  rsqrt: [0, 4],
};

function input(backend: CpuBackend, values: Float32Array, shape: number[]): KernelInput {
  return { storage: backend.write(values, 'float32'), shape, dtype: 'float32' };
}

function readAndDispose(backend: CpuBackend, storage: Storage, size: number): Float32Array {
  const values = backend.readSync(storage, 'float32', size) as Float32Array;
  backend.dispose(storage);
  return values;
}

function runUnary(backend: CpuBackend, op: UnaryOp, values: Float32Array): Float32Array {
  const x = input(backend, values, [values.length]);
  const output = { shape: [values.length], dtype: 'float32' as const, size: values.length };
  const result = backend.kernels.Unary({ inputs: [x], attrs: { op }, output });
  backend.dispose(x.storage);
  return readAndDispose(backend, result, values.length);
}

function runBinary(
  backend: CpuBackend,
  op: BinaryOp,
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  outShape: number[],
): Float32Array {
  const inputs: [KernelInput, KernelInput] = [input(backend, a, aShape), input(backend, b, bShape)];
  const size = outShape.reduce((p, d) => p * d, 1);
  const output = { shape: outShape, dtype: 'float32' as const, size };
  const result = backend.kernels.Binary({ inputs, attrs: { op }, output });
  for (const operand of inputs) backend.dispose(operand.storage);
  return readAndDispose(backend, result, size);
}

/** Returns the largest ulp distance, and the first input that reaches it. */
function worstUlp(
  inputs: Float32Array,
  actual: Float32Array,
  reference: (x: number) => number,
): { ulp: number; at: number } {
  let worst = { ulp: 0, at: 0 };
  for (let i = 0; i < inputs.length; i++) {
    const ulp = ulpDistance(actual[i], Math.fround(reference(inputs[i])));
    if (ulp > worst.ulp) worst = { ulp, at: inputs[i] };
  }
  return worst;
}

describe('WebAssembly elementwise module', () => {
  test('builds here', () => {
    expect(sharedWasmElementwise()).toBeInstanceOf(WasmElementwise);
    expect(wasmBackend.wasm).toBe(true);
  });
});

describe('WebAssembly unary accuracy', () => {
  test.each(Object.keys(UNARY_REFERENCES))('%s within its ulp limit', (op) => {
    const [lo, hi] = SWEEP_RANGES[op] ?? [-4, 4];
    const inputs = sweepInputs(lo, hi);
    const actual = runUnary(wasmBackend, op as UnaryOp, inputs);
    const { ulp, at } = worstUlp(inputs, actual, UNARY_REFERENCES[op]);
    expect(ulp, `${op}: worst at x = ${at}`).toBeLessThanOrEqual(UNARY_ULP_LIMITS[op]);
  });

  test.each(Object.keys(UNARY_REFERENCES))('%s special values', (op) => {
    // Repeated so the call is large enough for the WebAssembly path.
    const inputs = Float32Array.from({ length: 64 * SPECIAL_VALUES.length }, (_, i) => {
      return SPECIAL_VALUES[i % SPECIAL_VALUES.length];
    });
    const fromWasm = runUnary(wasmBackend, op as UnaryOp, inputs);
    const fromTypescript = runUnary(typescriptBackend, op as UnaryOp, inputs);
    for (let i = 0; i < SPECIAL_VALUES.length; i++) {
      const x = SPECIAL_VALUES[i];
      const want = fromTypescript[i];
      const got = fromWasm[i];
      if (Number.isNaN(want)) {
        expect(got, `${op}(${x})`).toBeNaN();
      } else if (want === 0 || !Number.isFinite(want)) {
        // Zeros must have the same sign, and infinities must be exact.
        expect(Object.is(got, want), `${op}(${x}) = ${got}, expected ${want}`).toBe(true);
      } else {
        const limit = UNARY_ULP_LIMITS[op];
        expect(
          ulpDistance(got, want),
          `${op}(${x}) = ${got}, expected ${want}`,
        ).toBeLessThanOrEqual(limit);
      }
    }
  });

  test('exp overflow and underflow', () => {
    const inputs = new Float32Array(4096).fill(0);
    inputs.set([89, 88.72, -100, -104, -103.9, -87.5]);
    const [big, largest, small, zero, tiny, belowNormal] = runUnary(wasmBackend, 'exp', inputs);
    expect(big).toBe(INF);
    expect(largest).toBe(Math.fround(Math.exp(Math.fround(88.72))));
    expect(small).toBe(Math.fround(Math.exp(-100)));
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(2 ** -126);
    expect(Object.is(zero, 0)).toBe(true);
    expect(tiny).toBe(SMALLEST_SUBNORMAL);
    expect(ulpDistance(belowNormal, Math.fround(Math.exp(-87.5)))).toBeLessThanOrEqual(1);
  });

  test('relu keeps NaN, clears -0', () => {
    const inputs = new Float32Array(4096).fill(-0);
    inputs[1] = NAN;
    inputs[2] = -3;
    inputs[3] = 2;
    const result = runUnary(wasmBackend, 'relu', inputs);
    expect(Object.is(result[0], 0)).toBe(true);
    expect(result[1]).toBeNaN();
    expect(Object.is(result[2], 0)).toBe(true);
    expect(result[3]).toBe(2);
  });

  test('log special inputs', () => {
    const inputs = new Float32Array(4096).fill(1);
    inputs.set([0, -0, -1, -INF, SMALLEST_SUBNORMAL, LARGEST_SUBNORMAL, INF, NAN, 1]);
    const result = runUnary(wasmBackend, 'log', inputs);
    expect(result[0]).toBe(-INF);
    expect(result[1]).toBe(-INF);
    expect(result[2]).toBeNaN();
    expect(result[3]).toBeNaN();
    expect(result[4]).toBe(Math.fround(Math.log(SMALLEST_SUBNORMAL)));
    expect(ulpDistance(result[5], Math.fround(Math.log(LARGEST_SUBNORMAL)))).toBeLessThanOrEqual(1);
    expect(result[6]).toBe(INF);
    expect(result[7]).toBeNaN();
    expect(Object.is(result[8], 0)).toBe(true);
  });
});

/** Sizes around the vector width and the chunk length, all above the WebAssembly threshold. */
const SIZES = [4099, CHUNK, CHUNK + 1, 3 * CHUNK - 3, 5 * CHUNK + 7];

describe('WebAssembly unary sizes and aliasing', () => {
  test.each(SIZES)('exp and neg over %i elements', (n) => {
    const values = Float32Array.from(seededValues(n, n), (v) => v * 10);
    for (const op of ['exp', 'neg'] as const) {
      const fromWasm = runUnary(wasmBackend, op, values);
      const fromTypescript = runUnary(typescriptBackend, op, values);
      expect(fromWasm.length).toBe(n);
      const worst = worstUlp(values, fromWasm, (x) => UNARY_REFERENCES[op](x));
      expect(worst.ulp, `${op}: worst at x = ${worst.at}`).toBeLessThanOrEqual(
        UNARY_ULP_LIMITS[op],
      );
      // The last element shows that the tail after the last whole vector is written.
      expect(ulpDistance(fromWasm[n - 1], fromTypescript[n - 1])).toBeLessThanOrEqual(2);
    }
  });

  test('unary out aliasing the input', () => {
    const n = 3 * CHUNK + 5;
    const values = Float32Array.from(seededValues(n, 7), (v) => v * 5);
    const expected = Float32Array.from(values, (v) => Math.fround(Math.tanh(v)));
    const kernels = sharedWasmElementwise()!;
    kernels.unary('tanh', values, values, n);
    for (let i = 0; i < n; i++) {
      expect(ulpDistance(values[i], expected[i]), `element ${i}`).toBeLessThanOrEqual(
        UNARY_ULP_LIMITS.tanh,
      );
    }
  });
});

/** Binary ops with their TypeScript semantics, computed in float64 and rounded on store. */
const BINARY_REFERENCES: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  maximum: (x, y) => (x > y || Number.isNaN(x) ? x : y),
  minimum: (x, y) => (x < y || Number.isNaN(x) ? x : y),
};

/** Expects `actual` to equal `expected` bit for bit, except that any NaN matches any NaN. */
function expectSameFloats(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const same =
      Object.is(actual[i], expected[i]) || (Number.isNaN(actual[i]) && Number.isNaN(expected[i]));
    if (!same) expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Operand values with the special cases mixed in at fixed positions. */
function binaryOperand(size: number, seed: number): Float32Array {
  const values = Float32Array.from(seededValues(size, seed), (v) => v * 8);
  for (let i = 0; i < SPECIAL_VALUES.length && i * 7 < size; i++) {
    values[(i * 7 + seed) % size] = SPECIAL_VALUES[i];
  }
  return values;
}

/** Shape cases: same shape, scalars on either side, short and long rows, leading 1s. */
const BROADCASTS: [string, number[], number[], number[]][] = [
  ['same shape', [3, CHUNK + 3], [3, CHUNK + 3], [3, CHUNK + 3]],
  ['scalar right', [5003], [1], [5003]],
  ['scalar left', [1], [5003], [5003]],
  ['row of 3 right', [1700, 3], [3], [1700, 3]],
  ['row of 64 left', [64], [80, 64], [80, 64]],
  ['row of 1500', [6, 1500], [1, 1500], [6, 1500]],
  // Rows over half a chunk are copied with each chunk of the other operand.
  ['row of 3/4 chunk', [5, (3 * CHUNK) / 4], [(3 * CHUNK) / 4], [5, (3 * CHUNK) / 4]],
  ['row longer than a chunk', [3, CHUNK + 1001], [CHUNK + 1001], [3, CHUNK + 1001]],
  ['trailing block', [4, 3, 700], [3, 700], [4, 3, 700]],
];

describe('WebAssembly binary ops', () => {
  test.each(BROADCASTS)('%s matches TypeScript bitwise', (_, aShape, bShape, out) => {
    const a = binaryOperand(
      aShape.reduce((p, d) => p * d, 1),
      3,
    );
    const b = binaryOperand(
      bShape.reduce((p, d) => p * d, 1),
      11,
    );
    const spy = vi.spyOn(WasmElementwise.prototype, 'binary');
    for (const op of Object.keys(BINARY_REFERENCES) as BinaryOp[]) {
      const fromWasm = runBinary(wasmBackend, op, a, aShape, b, bShape, out);
      const fromTypescript = runBinary(typescriptBackend, op, a, aShape, b, bShape, out);
      expectSameFloats(fromWasm, fromTypescript, op);
    }
    expect(spy).toHaveBeenCalledTimes(Object.keys(BINARY_REFERENCES).length);
  });

  test('maximum and minimum of zeros, NaN', () => {
    const n = 4096;
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    const pairs = [
      [0, -0],
      [-0, 0],
      [NAN, 1],
      [1, NAN],
      [NAN, NAN],
      [-INF, INF],
    ];
    pairs.forEach(([x, y], i) => {
      a[i] = x;
      b[i] = y;
    });
    for (const op of ['maximum', 'minimum'] as const) {
      const result = runBinary(wasmBackend, op, a, [n], b, [n], [n]);
      pairs.forEach(([x, y], i) => {
        const want = Math.fround(BINARY_REFERENCES[op](x, y));
        expect(Object.is(result[i], want) || (Number.isNaN(result[i]) && Number.isNaN(want))).toBe(
          true,
        );
      });
    }
  });

  test('binary out aliasing either input', () => {
    const n = 2 * CHUNK + 9;
    const kernels = sharedWasmElementwise()!;
    const a = Float32Array.from(seededValues(n, 5));
    const b = Float32Array.from(seededValues(n, 6));
    const expected = Float32Array.from(a, (v, i) => v - b[i]);
    const aliasA = a.slice();
    kernels.binary('sub', aliasA, n, b, n, aliasA, n);
    expectSameFloats(aliasA, expected, 'out === a');
    const aliasB = b.slice();
    kernels.binary('sub', a, n, aliasB, n, aliasB, n);
    expectSameFloats(aliasB, expected, 'out === b');
    const row = Float32Array.from(seededValues(7, 8));
    const rows = Float32Array.from(seededValues(7 * 900, 9));
    const expectedRows = Float32Array.from(rows, (v, i) => Math.fround(v * row[i % 7]));
    kernels.binary('mul', rows, rows.length, row, 7, rows, rows.length);
    expectSameFloats(rows, expectedRows, 'out === a with a row of 7');
  });

  test('other broadcasts and dtypes skip wasm', () => {
    const spy = vi.spyOn(WasmElementwise.prototype, 'binary');
    const column = binaryOperand(100, 1);
    const rows = binaryOperand(100 * 64, 2);
    const fromWasm = runBinary(wasmBackend, 'add', rows, [100, 64], column, [100, 1], [100, 64]);
    const fromTypescript = runBinary(
      typescriptBackend,
      'add',
      rows,
      [100, 64],
      column,
      [100, 1],
      [100, 64],
    );
    expectSameFloats(fromWasm, fromTypescript, 'column broadcast');
    const inputs: [KernelInput, KernelInput] = [
      {
        storage: wasmBackend.write(new Float64Array(5000), 'float64'),
        shape: [5000],
        dtype: 'float64',
      },
      {
        storage: wasmBackend.write(new Float64Array(5000), 'float64'),
        shape: [5000],
        dtype: 'float64',
      },
    ];
    const output = { shape: [5000], dtype: 'float64' as const, size: 5000 };
    wasmBackend.dispose(wasmBackend.kernels.Binary({ inputs, attrs: { op: 'add' }, output }));
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('wasm: false', () => {
  test('keeps the TypeScript loops', () => {
    const unarySpy = vi.spyOn(WasmElementwise.prototype, 'unary');
    const binarySpy = vi.spyOn(WasmElementwise.prototype, 'binary');
    const values = Float32Array.from(seededValues(10_000, 4));
    runUnary(typescriptBackend, 'exp', values);
    runBinary(typescriptBackend, 'add', values, [10_000], values, [10_000], [10_000]);
    expect(unarySpy).not.toHaveBeenCalled();
    expect(binarySpy).not.toHaveBeenCalled();
    runUnary(wasmBackend, 'exp', values);
    runBinary(wasmBackend, 'add', values, [10_000], values, [10_000], [10_000]);
    expect(unarySpy).toHaveBeenCalledTimes(1);
    expect(binarySpy).toHaveBeenCalledTimes(1);
  });

  test('small sizes skip wasm', () => {
    const spy = vi.spyOn(WasmElementwise.prototype, 'unary');
    runUnary(wasmBackend, 'exp', new Float32Array(8));
    expect(spy).not.toHaveBeenCalled();
  });
});
