import { DTypeError } from './errors';

/**
 * Element types a tensor can hold. `float64` exists for reference computations and gradient
 * checks on backends that support it (the CPU backend); GPU backends reject it.
 */
export type DType = 'float32' | 'int32' | 'bool' | 'float64';

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool', 'float64'];

/** The typed array that stores each dtype on the host. */
export interface DTypeArrayMap {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
  float64: Float64Array;
}

export type TypedArray = Float32Array | Int32Array | Uint8Array | Float64Array;

export type TypedArrayFor<D extends DType> = DTypeArrayMap[D];

/** Throws a DTypeError naming `op` unless `dtype` is one of Tessera's dtypes. */
export function checkDType(op: string, dtype: unknown): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new DTypeError(
      `${op}: unknown dtype '${String(dtype)}'; expected one of ${DTYPES.join(', ')}`,
    );
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Returns the smallest dtype that can represent values of both `a` and `b` (bool < int32 < float32 < float64). */
export function promoteDTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case 'float32':
    case 'int32':
      return 4;
    case 'bool':
      return 1;
    case 'float64':
      return 8;
  }
}

export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
    case 'float64':
      return new Float64Array(size);
  }
}

/** Copies `values` into a new typed array of `dtype`, converting as a cast would. */
export function toTypedArray(values: ArrayLike<number | boolean>, dtype: DType): TypedArray {
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') {
    // As a cast: any nonzero value, NaN included, is true.
    for (let i = 0; i < values.length; i++) out[i] = values[i] === 0 || values[i] === false ? 0 : 1;
  } else if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) out[i] = Math.trunc(Number(values[i]));
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  }
  return out;
}

/** Returns the dtype a typed array stores, or undefined for arrays Tessera does not store directly. */
export function dtypeOfArray(values: unknown): DType | undefined {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  if (values instanceof Float64Array) return 'float64';
  return undefined;
}
