import type { DType } from '@tessera/tensor';
import type { Generator } from './types';

/**
 * Values that break naive kernels: NaN, both infinities, both zeros, magnitudes near the ends
 * of the float32 range, and a few ordinary values to combine them with. `tiny` (1e-30) is a
 * normal float32, because GPUs may flush subnormals to zero.
 */
export const SPECIAL_VALUES: readonly number[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  -0,
  1e-30,
  -1e-30,
  1e30,
  -1e30,
  1,
  -1,
  0.5,
  -2.5,
  3,
];

/** Hashes a string to a 32-bit seed (FNV-1a), so each input's values depend only on its case id. */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The mulberry32 generator: small, fast and identical on every platform. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Returns a float in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Returns an integer in [low, high], both ends included. */
  integer(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low + 1));
  }
}

type Fill = (random: SeededRandom, size: number) => Float64Array;

function fillWith(size: number, next: (i: number) => number): Float64Array {
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = next(i);
  return values;
}

/** Moves the fraction of `v` into [0.1, 0.4] or [0.6, 0.9], keeping its integer part. */
function awayFromHalves(v: number): number {
  const whole = Math.floor(v);
  const fraction = v - whole;
  const upperHalf = fraction >= 0.5 ? 0.5 : 0;
  const within = (fraction - upperHalf) * 2;
  return whole + upperHalf + 0.1 + 0.3 * within;
}

function distinctGrid(random: SeededRandom, size: number, spacing: number): Float64Array {
  const values = fillWith(size, (i) => (i - (size - 1) / 2) * spacing);
  // Fisher-Yates shuffle.
  for (let i = size - 1; i > 0; i--) {
    const j = random.integer(0, i);
    const swap = values[i];
    values[i] = values[j];
    values[j] = swap;
  }
  return values;
}

function fillFor(generator: Generator): Fill {
  switch (generator.kind) {
    case 'uniform': {
      const { low = -1, high = 1 } = generator;
      return (r, n) => fillWith(n, () => low + (high - low) * r.uniform());
    }
    case 'positive': {
      const { low = 0.5, high = 2 } = generator;
      return (r, n) => fillWith(n, () => low + (high - low) * r.uniform());
    }
    case 'nonzero': {
      const { min = 0.1, max = 1 } = generator;
      return (r, n) =>
        fillWith(n, () => (r.uniform() < 0.5 ? -1 : 1) * (min + (max - min) * r.uniform()));
    }
    case 'nonInteger': {
      const { low = -3, high = 3 } = generator;
      return (r, n) => fillWith(n, () => awayFromHalves(low + (high - low) * r.uniform()));
    }
    case 'distinct':
      return (r, n) => distinctGrid(r, n, generator.spacing ?? 0.05);
    case 'dyadic': {
      const { step = 1 / 16, low = -1, high = 1 } = generator;
      const steps = Math.floor((high - low) / step);
      return (r, n) => fillWith(n, () => low + step * Math.floor(r.uniform() * steps));
    }
    case 'integers':
      return (r, n) => fillWith(n, () => r.integer(generator.low, generator.high));
    case 'bool': {
      const probability = generator.probability ?? 0.5;
      return (r, n) => fillWith(n, () => (r.uniform() < probability ? 1 : 0));
    }
    case 'special':
      return (r, n) => fillWith(n, () => SPECIAL_VALUES[r.integer(0, SPECIAL_VALUES.length - 1)]);
    case 'values':
      return (_r, n) => fillWith(n, (i) => generator.values[i % generator.values.length]);
  }
}

/**
 * Converts generated values to what a tensor of `dtype` stores: float32 rounds, bool is 1 for
 * every nonzero value (NaN included). int32 values must already be integers in range, since
 * the conversion of other values is where backends legitimately differ.
 */
export function storeAs(values: Float64Array, dtype: DType, what: string): Float64Array {
  const stored = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (dtype === 'float32') stored[i] = Math.fround(v);
    else if (dtype === 'bool') stored[i] = v !== 0 ? 1 : 0;
    else if (dtype === 'float64') stored[i] = v;
    else if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) stored[i] = v;
    else throw new RangeError(`${what}: element ${i} is ${v}, which is not an int32 value`);
  }
  return stored;
}

/**
 * Generates `size` values of `dtype` from `generator`, seeded by `seedText` (a case id and an
 * input position), so every backend gets the same values.
 */
export function generateValues(
  generator: Generator,
  size: number,
  dtype: DType,
  seedText: string,
): Float64Array {
  const random = new SeededRandom(seedFromText(seedText));
  return storeAs(fillFor(generator)(random, size), dtype, seedText);
}
