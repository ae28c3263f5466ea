import type { DType } from '@tessera/tensor';
import { F32_TO_I32, FLOAT_BITS, type Snippet } from './snippets';

/** Snippets that `convertValue` may call. */
export const CONVERT_SNIPPETS: readonly Snippet[] = [FLOAT_BITS, F32_TO_I32];

/**
 * Returns a WGSL expression converting `value` (stored as `from`) to `to`, as the CPU backend does:
 * float to int32 truncates and wraps, and any nonzero value, NaN included, becomes bool 1.
 */
export function convertValue(value: string, from: DType, to: DType): string {
  if (from === to) return value;
  if (to === 'bool') {
    const nonzero = from === 'float32' ? `isNonzeroF32(${value})` : `${value} != 0`;
    return `select(0u, 1u, ${nonzero})`;
  }
  if (to === 'int32') return from === 'float32' ? `f32ToI32(${value})` : `i32(${value})`;
  return `f32(${value})`;
}

/** Returns a WGSL boolean: whether `value` of `dtype` is nonzero (NaN counts as nonzero). */
export function isNonzero(value: string, dtype: DType): string {
  if (dtype === 'float32') return `isNonzeroF32(${value})`;
  return dtype === 'bool' ? `${value} != 0u` : `${value} != 0`;
}
