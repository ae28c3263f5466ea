import type { ArgReduceOp, BinaryOp, DType, ReduceOp, UnaryOp } from '@tessera/tensor';

// Each list is the key set of a Record over the contract's union type, so an op added to the
// contract is a compile error here until the suite lists it (and a case test demands cases).

const UNARY: Record<UnaryOp, true> = {
  neg: true,
  abs: true,
  sign: true,
  exp: true,
  expm1: true,
  log: true,
  log1p: true,
  sqrt: true,
  rsqrt: true,
  square: true,
  reciprocal: true,
  sin: true,
  cos: true,
  tanh: true,
  sigmoid: true,
  relu: true,
  floor: true,
  ceil: true,
  round: true,
  isnan: true,
  isfinite: true,
  logicalNot: true,
};

const BINARY: Record<BinaryOp, true> = {
  add: true,
  sub: true,
  mul: true,
  div: true,
  pow: true,
  maximum: true,
  minimum: true,
  equal: true,
  notEqual: true,
  less: true,
  lessEqual: true,
  greater: true,
  greaterEqual: true,
  logicalAnd: true,
  logicalOr: true,
};

const REDUCE: Record<ReduceOp, true> = { sum: true, prod: true, max: true, min: true };

const ARG_REDUCE: Record<ArgReduceOp, true> = { argmax: true, argmin: true };

const ALL_DTYPES: Record<DType, true> = { float32: true, int32: true, bool: true, float64: true };

export const UNARY_OPS = Object.keys(UNARY) as UnaryOp[];
export const BINARY_OPS = Object.keys(BINARY) as BinaryOp[];
export const REDUCE_OPS = Object.keys(REDUCE) as ReduceOp[];
export const ARG_REDUCE_OPS = Object.keys(ARG_REDUCE) as ArgReduceOp[];
export const DTYPE_LIST = Object.keys(ALL_DTYPES) as DType[];
