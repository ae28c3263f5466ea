import { memory, registerBackend, setBackend, type Tensor } from '@tessera/tensor';
import { expect } from 'vitest';
import { createCpuBackend } from '../src';

/** Registers the CPU backend and makes it active. */
export async function useCpu(): Promise<void> {
  registerBackend('cpu', () => createCpuBackend());
  await setBackend('cpu');
}

/** Flattens nested arrays of numbers. */
function flat(values: unknown): number[] {
  if (typeof values === 'number') return [values];
  if (typeof values === 'boolean') return [values ? 1 : 0];
  return (values as unknown[]).flatMap(flat);
}

/**
 * Checks shape and values: NaN must match NaN, infinities must match exactly, other values to
 * within `tolerance` (absolute, plus the same relative to the expected magnitude).
 */
export function expectValues(
  t: Tensor,
  expected: unknown,
  options: { shape?: readonly number[]; tolerance?: number } = {},
): void {
  const actual = Array.from(t.dataSync());
  const want = flat(expected);
  if (options.shape !== undefined) expect(t.shape).toEqual(options.shape);
  expect(actual.length).toBe(want.length);
  const tolerance = options.tolerance ?? 1e-6;
  for (let i = 0; i < want.length; i++) {
    const a = actual[i];
    const e = want[i];
    if (Number.isNaN(e)) {
      expect(a, `element ${i}`).toBeNaN();
    } else if (!Number.isFinite(e)) {
      expect(a, `element ${i}`).toBe(e);
    } else {
      const limit = tolerance * (1 + Math.abs(e));
      if (!(Math.abs(a - e) <= limit)) {
        expect.fail(`element ${i}: got ${a}, expected ${e} (tolerance ${limit})`);
      }
    }
  }
}

/** Asserts that `fn` leaves the live buffer count and bytes unchanged. */
export function expectNoLeak(fn: () => void): void {
  const before = memory();
  fn();
  expect(memory()).toEqual(before);
}

/** A deterministic generator of floats in [-1, 1). */
export function seededValues(count: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}
