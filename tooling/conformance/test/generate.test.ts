import { describe, expect, test } from 'vitest';
import { generateValues, SeededRandom, storeAs } from '../src/generate';

describe('generateValues', () => {
  test('the same seed text gives the same values', () => {
    const a = generateValues({ kind: 'uniform' }, 50, 'float64', 'case#0');
    const b = generateValues({ kind: 'uniform' }, 50, 'float64', 'case#0');
    const c = generateValues({ kind: 'uniform' }, 50, 'float64', 'case#1');
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  test('distinct values never tie', () => {
    const values = generateValues({ kind: 'distinct' }, 200, 'float32', 'distinct');
    expect(new Set(values).size).toBe(200);
  });

  test('non-integer values keep clear of integers and halves', () => {
    const values = generateValues({ kind: 'nonInteger' }, 500, 'float64', 'steps');
    for (const v of values) {
      const fraction = v - Math.floor(v);
      expect(Math.abs(fraction - 0.5)).toBeGreaterThanOrEqual(0.1 - 1e-12);
      expect(Math.min(fraction, 1 - fraction)).toBeGreaterThanOrEqual(0.1 - 1e-12);
    }
  });

  test('dyadic values are multiples of the step', () => {
    const values = generateValues({ kind: 'dyadic', step: 1 / 16 }, 300, 'float32', 'dyadic');
    for (const v of values) expect(Number.isInteger(v * 16)).toBe(true);
  });

  test('integers include both ends', () => {
    const values = generateValues({ kind: 'integers', low: -1, high: 1 }, 300, 'int32', 'ints');
    expect(new Set(values)).toEqual(new Set([-1, 0, 1]));
  });

  test('values repeat to fill the shape', () => {
    const values = generateValues({ kind: 'values', values: [1, 2] }, 5, 'float32', 'list');
    expect(Array.from(values)).toEqual([1, 2, 1, 2, 1]);
  });
});

describe('storeAs', () => {
  test('rounds float32 and maps bool to 0 and 1', () => {
    const stored = storeAs(Float64Array.from([0.1, Number.NaN, 0]), 'float32', 'x');
    expect(stored[0]).toBe(Math.fround(0.1));
    expect(Array.from(storeAs(Float64Array.from([2, Number.NaN, 0]), 'bool', 'x'))).toEqual([
      1, 1, 0,
    ]);
  });

  test('rejects int32 values that are not int32 integers', () => {
    expect(() => storeAs(Float64Array.from([1.5]), 'int32', 'case#0')).toThrow(
      'case#0: element 0 is 1.5, which is not an int32 value',
    );
    expect(() => storeAs(Float64Array.from([2 ** 31]), 'int32', 'case#0')).toThrow(RangeError);
  });
});

test('SeededRandom.integer stays in range', () => {
  const random = new SeededRandom(42);
  for (let i = 0; i < 1000; i++) {
    const v = random.integer(3, 5);
    expect(v).toBeGreaterThanOrEqual(3);
    expect(v).toBeLessThanOrEqual(5);
  }
});
