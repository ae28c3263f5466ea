import type { KernelInput } from '@tessera/tensor';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { type CpuBackend, createCpuBackend } from '../src';
import { storageData } from '../src/storage';
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

/** Float32 bit patterns: quiet NaNs with payloads and both signs, ±inf, ±0, a subnormal. */
const SPECIAL_BITS = [
  0x7fc00000, 0x7fc12345, 0xffc00001, 0x7f800000, 0xff800000, 0x00000000, 0x80000000, 0x00000001,
];

/** Random float32 values with about one in four replaced by a special bit pattern. */
function valuesWithSpecials(count: number, seed: number): Float32Array {
  const values = Float32Array.from(seededValues(count, seed), (v) => v * 100);
  const bits = new Uint32Array(values.buffer);
  const picks = seededValues(count, seed + 1);
  for (let i = 0; i < count; i++) {
    const pick = Math.floor(((picks[i] + 1) / 2) * 4 * SPECIAL_BITS.length);
    if (pick < SPECIAL_BITS.length) bits[i] = SPECIAL_BITS[pick];
  }
  return values;
}

/** Condition bytes: zero, one, and other nonzero bytes, which also count as true. */
function conditionBytes(count: number, seed: number): Uint8Array {
  const choices = [0, 1, 0, 2, 255, 0, 128];
  return Uint8Array.from(
    seededValues(count, seed),
    (v) => choices[Math.floor(((v + 1) / 2) * choices.length)],
  );
}

interface Operands {
  condition: Uint8Array;
  a: Float32Array;
  b: Float32Array;
}

/** Runs Where on `backend`; an operand of length 1 is passed with shape [1]. */
function runWhere(backend: CpuBackend, operands: Operands, shape: number[]): Uint32Array {
  const size = shape.reduce((x, y) => x * y, 1);
  const shapeOf = (length: number) => (length === 1 ? [1] : shape);
  const condition: KernelInput = {
    storage: backend.write(operands.condition, 'bool'),
    shape: shapeOf(operands.condition.length),
    dtype: 'bool',
  };
  // write() stores bools as 0 or 1, so copy the raw bytes in to cover other nonzero bytes.
  storageData(condition.storage).set(operands.condition);
  const input = (values: Float32Array): KernelInput => ({
    storage: backend.write(values, 'float32'),
    shape: shapeOf(values.length),
    dtype: 'float32',
  });
  const a = input(operands.a);
  const b = input(operands.b);
  const output = { shape, dtype: 'float32' as const, size };
  const result = backend.kernels.Where({ inputs: [condition, a, b], attrs: {}, output });
  const bits = new Uint32Array(
    Float32Array.from(backend.readSync(result, 'float32', size) as Float32Array).buffer,
  );
  for (const storage of [condition.storage, a.storage, b.storage, result]) {
    backend.dispose(storage);
  }
  return bits;
}

/** Expects the same bits at every index. */
function expectSameBits(actual: Uint32Array, expected: Uint32Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      expect.fail(
        `index ${i}: got 0x${actual[i].toString(16)}, expected 0x${expected[i].toString(16)}`,
      );
    }
  }
}

/** Sizes not multiples of 16 or of the chunk, and longer than one chunk. */
const SIZES = [256, 257, 1000, 4093, CHUNK, CHUNK + 1, 3 * CHUNK + 17];

describe('wasm Where', () => {
  test.each(SIZES)('matches TypeScript bits, size %i', (size) => {
    const spy = vi.spyOn(WasmElementwise.prototype, 'select');
    const operands = {
      condition: conditionBytes(size, size),
      a: valuesWithSpecials(size, size + 2),
      b: valuesWithSpecials(size, size + 4),
    };
    const expected = runWhere(typescriptBackend, operands, [size]);
    expectSameBits(runWhere(wasmBackend, operands, [size]), expected);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  test.each([
    ['condition', true, false, false],
    ['a', false, true, false],
    ['b', false, false, true],
    ['a and b', false, true, true],
    ['condition and a', true, true, false],
  ])('matches TypeScript with scalar %s', (_name, scalarCondition, scalarA, scalarB) => {
    const spy = vi.spyOn(WasmElementwise.prototype, 'select');
    for (const size of [300, 2 * CHUNK + 5]) {
      for (const conditionValue of [0, 3]) {
        const condition = scalarCondition
          ? Uint8Array.of(conditionValue)
          : conditionBytes(size, size + 1);
        const operands = {
          condition,
          a: scalarA
            ? new Float32Array(new Uint32Array([0xffc00001]).buffer)
            : valuesWithSpecials(size, 7),
          b: scalarB ? Float32Array.of(-0) : valuesWithSpecials(size, 9),
        };
        const expected = runWhere(typescriptBackend, operands, [size]);
        expectSameBits(runWhere(wasmBackend, operands, [size]), expected);
      }
    }
    expect(spy).toHaveBeenCalledTimes(4);
  });

  test('matches TypeScript on a rank-3 output', () => {
    const shape = [3, 17, 29];
    const size = 3 * 17 * 29;
    const operands = {
      condition: conditionBytes(size, 11),
      a: valuesWithSpecials(size, 12),
      b: valuesWithSpecials(size, 13),
    };
    expectSameBits(
      runWhere(wasmBackend, operands, shape),
      runWhere(typescriptBackend, operands, shape),
    );
  });

  test('copies signaling NaN bits unchanged', () => {
    // The TypeScript loop reads through a float64 number, which quiets a signaling NaN in V8,
    // so this checks the WebAssembly path alone.
    const wasm = sharedWasmElementwise();
    if (wasm === undefined) throw new Error('WebAssembly SIMD is unavailable in this runtime');
    const size = 300;
    const aBits = new Uint32Array(size).fill(0x7f800001);
    const bBits = new Uint32Array(size).fill(0xff800123);
    const condition = conditionBytes(size, 5);
    const out = new Float32Array(size);
    wasm.select(
      condition,
      1,
      new Float32Array(aBits.buffer),
      1,
      new Float32Array(bBits.buffer),
      1,
      out,
      size,
    );
    const outBits = new Uint32Array(out.buffer);
    for (let i = 0; i < size; i++) {
      expect(outBits[i]).toBe(condition[i] !== 0 ? 0x7f800001 : 0xff800123);
    }
  });

  test('writes in place over an input', () => {
    const size = CHUNK + 40;
    const condition = conditionBytes(size, 21);
    const a = valuesWithSpecials(size, 22);
    const b = valuesWithSpecials(size, 23);
    const expected = new Uint32Array(size);
    const aBits = new Uint32Array(a.buffer);
    const bBits = new Uint32Array(b.buffer);
    for (let i = 0; i < size; i++) expected[i] = condition[i] !== 0 ? aBits[i] : bBits[i];
    const wasm = sharedWasmElementwise();
    if (wasm === undefined) throw new Error('WebAssembly SIMD is unavailable in this runtime');
    wasm.select(condition, 1, a, 1, b, 1, a, size);
    expectSameBits(new Uint32Array(a.buffer), expected);
  });

  test('keeps TypeScript for broadcast rows', () => {
    const spy = vi.spyOn(WasmElementwise.prototype, 'select');
    const condition: KernelInput = {
      storage: wasmBackend.write(conditionBytes(64, 1), 'bool'),
      shape: [64, 1],
      dtype: 'bool',
    };
    const a: KernelInput = {
      storage: wasmBackend.write(valuesWithSpecials(64 * 32, 2), 'float32'),
      shape: [64, 32],
      dtype: 'float32',
    };
    const output = { shape: [64, 32], dtype: 'float32' as const, size: 64 * 32 };
    const result = wasmBackend.kernels.Where({ inputs: [condition, a, a], attrs: {}, output });
    expect(spy).not.toHaveBeenCalled();
    for (const storage of [condition.storage, a.storage, result]) wasmBackend.dispose(storage);
  });

  test('keeps TypeScript for small sizes and wasm: false', () => {
    const spy = vi.spyOn(WasmElementwise.prototype, 'select');
    const small = {
      condition: conditionBytes(8, 1),
      a: valuesWithSpecials(8, 2),
      b: valuesWithSpecials(8, 3),
    };
    runWhere(wasmBackend, small, [8]);
    const large = {
      condition: conditionBytes(1000, 1),
      a: valuesWithSpecials(1000, 2),
      b: valuesWithSpecials(1000, 3),
    };
    runWhere(typescriptBackend, large, [1000]);
    expect(spy).not.toHaveBeenCalled();
  });
});
