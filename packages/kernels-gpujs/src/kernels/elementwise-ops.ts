import type { BinaryOp, UnaryOp } from '@tessera/tensor';
import { NAN, POS_INF } from '../program';

/**
 * Each op as an expression over `v` (unary) or `a` and `b` (binary), in the JavaScript subset
 * gpu.js translates. Where GLSL leaves a result undefined (log, sqrt and pow of negative
 * numbers, sin and cos of infinities) the expression returns JavaScript's result explicitly.
 */
export const UNARY_EXPRESSIONS: Record<UnaryOp, string> = {
  neg: '-v',
  abs: 'Math.abs(v)',
  sign: 'tsSign(v)',
  exp: 'Math.exp(v)',
  expm1: 'tsExpm1(v)',
  log: `v < 0 ? ${NAN} : Math.log(v)`,
  log1p: `v < -1 ? ${NAN} : tsLog1p(v)`,
  sqrt: `v < 0 ? ${NAN} : Math.sqrt(v)`,
  rsqrt: `v < 0 ? ${NAN} : 1 / Math.sqrt(v)`,
  square: 'v * v',
  reciprocal: '1 / v',
  sin: `tsIsFinite(v) == 1 ? Math.sin(v) : ${NAN}`,
  cos: `tsIsFinite(v) == 1 ? Math.cos(v) : ${NAN}`,
  tanh: 'tsTanh(v)',
  sigmoid: 'tsSigmoid(v)',
  // NaN stays NaN, as in PyTorch.
  relu: 'v > 0 || tsIsNan(v) == 1 ? v : 0',
  floor: 'Math.floor(v)',
  ceil: 'Math.ceil(v)',
  round: 'tsRound(v)',
  isnan: 'tsIsNan(v)',
  isfinite: 'tsIsFinite(v)',
  logicalNot: 'v == 0 ? 1 : 0',
};

/** Unary ops whose results are 0 or 1 for inputs of 0 or 1, so a bool output needs no fix-up. */
export const BOOL_SAFE_UNARY: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  'isnan',
  'isfinite',
  'logicalNot',
  'abs',
  'relu',
  'square',
]);

export const BINARY_EXPRESSIONS: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: `tsPow(a, b, ${POS_INF}, ${NAN})`,
  // NaN in either operand propagates: a comparison with NaN is false, so b is picked.
  maximum: 'a > b || tsIsNan(a) == 1 ? a : b',
  minimum: 'a < b || tsIsNan(a) == 1 ? a : b',
  equal: 'a == b ? 1 : 0',
  notEqual: 'a != b ? 1 : 0',
  less: 'a < b ? 1 : 0',
  lessEqual: 'a <= b ? 1 : 0',
  greater: 'a > b ? 1 : 0',
  greaterEqual: 'a >= b ? 1 : 0',
  logicalAnd: 'a != 0 && b != 0 ? 1 : 0',
  logicalOr: 'a != 0 || b != 0 ? 1 : 0',
};

/** Binary ops that keep 0/1 operands at 0 or 1. */
export const BOOL_SAFE_BINARY: ReadonlySet<BinaryOp> = new Set<BinaryOp>([
  'mul',
  'maximum',
  'minimum',
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
  'logicalAnd',
  'logicalOr',
]);
