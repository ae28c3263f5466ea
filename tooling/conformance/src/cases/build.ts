import { SPECIAL_VALUES } from '../generate';
import type { CaseDType, Generator, InputSpec } from '../types';

// Small constructors that keep the case tables short. Every case is still a plain object.

export const UNIFORM: Generator = { kind: 'uniform' };

/** Every special value once, in order (use a shape of 14 elements, or a multiple of it). */
export const SPECIALS: Generator = { kind: 'values', values: SPECIAL_VALUES };

export const SPECIAL_COUNT = SPECIAL_VALUES.length;

export const INF = Number.POSITIVE_INFINITY;
export const NAN = Number.NaN;

export function float(shape: readonly number[], generator: Generator = UNIFORM): InputSpec {
  return { shape, dtype: 'float', generator };
}

export function int32(
  shape: readonly number[],
  generator: Generator = { kind: 'integers', low: -9, high: 9 },
): InputSpec {
  return { shape, dtype: 'int32', generator };
}

export function bool(shape: readonly number[], generator: Generator = { kind: 'bool' }): InputSpec {
  return { shape, dtype: 'bool', generator };
}

/** Returns an input that contains exactly `list` (repeated if the shape is larger). */
export function values(
  shape: readonly number[],
  dtype: CaseDType,
  list: readonly number[],
): InputSpec {
  return { shape, dtype, generator: { kind: 'values', values: list } };
}
