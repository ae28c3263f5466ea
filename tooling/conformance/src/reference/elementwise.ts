import type { BinaryOp, DType, UnaryOp } from '@tessera/tensor';
import { binaryPlan, promote, unaryPlan } from './dtype-rules';
import {
  broadcastShapes,
  broadcastSource,
  castTensor,
  castValue,
  mulInt32,
  type RefTensor,
  sizeOf,
  unravel,
  wrapInt32,
} from './tensor';

/** Rounds half to even (PyTorch's `round`), keeping the sign of a zero result. */
export function roundHalfEven(v: number): number {
  if (!Number.isFinite(v)) return v;
  const below = Math.floor(v);
  const fraction = v - below;
  let rounded: number;
  if (fraction < 0.5) rounded = below;
  else if (fraction > 0.5) rounded = below + 1;
  else rounded = below % 2 === 0 ? below : below + 1;
  return rounded === 0 && (v < 0 || Object.is(v, -0)) ? -0 : rounded;
}

/** C99 `pow`: 1 for pow(x, ±0) and pow(1, y), even for NaN; pow(-1, ±Infinity) is 1. */
export function powC(a: number, b: number): number {
  if (b === 0 || a === 1) return 1;
  if (a === -1 && (b === Number.POSITIVE_INFINITY || b === Number.NEGATIVE_INFINITY)) return 1;
  return a ** b;
}

/** Returns 1 or -1 by sign; 0, -0 and NaN map to themselves. */
function signOf(v: number): number {
  if (v > 0) return 1;
  if (v < 0) return -1;
  return v;
}

const FLOAT_UNARY: Record<UnaryOp, (v: number) => number> = {
  neg: (v) => -v,
  abs: (v) => Math.abs(v),
  sign: signOf,
  exp: (v) => Math.exp(v),
  expm1: (v) => Math.expm1(v),
  log: (v) => Math.log(v),
  log1p: (v) => Math.log1p(v),
  sqrt: (v) => Math.sqrt(v),
  rsqrt: (v) => 1 / Math.sqrt(v),
  square: (v) => v * v,
  reciprocal: (v) => 1 / v,
  sin: (v) => Math.sin(v),
  cos: (v) => Math.cos(v),
  tanh: (v) => Math.tanh(v),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  // PyTorch keeps NaN.
  relu: (v) => (v > 0 || Number.isNaN(v) ? v : 0),
  floor: (v) => Math.floor(v),
  ceil: (v) => Math.ceil(v),
  round: roundHalfEven,
  isnan: (v) => (Number.isNaN(v) ? 1 : 0),
  isfinite: (v) => (Number.isFinite(v) ? 1 : 0),
  logicalNot: (v) => (v === 0 ? 1 : 0),
};

/** int32 results that can leave the int32 range wrap around. */
const INT_UNARY: Partial<Record<UnaryOp, (v: number) => number>> = {
  neg: (v) => wrapInt32(-v),
  abs: (v) => wrapInt32(Math.abs(v)),
  square: (v) => mulInt32(v, v),
};

export function unary(op: UnaryOp, x: RefTensor): RefTensor {
  const plan = unaryPlan(op, x.dtype);
  const input = castTensor(x, plan.compute);
  const f = (plan.compute === 'int32' ? INT_UNARY[op] : undefined) ?? FLOAT_UNARY[op];
  return { shape: x.shape, dtype: plan.output, data: input.data.map(f) };
}

const maximum = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
const minimum = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b);

// Comparisons with NaN are false, except notEqual.
const FLOAT_BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: powC,
  maximum,
  minimum,
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

const INT_BINARY: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => wrapInt32(a + b),
  sub: (a, b) => wrapInt32(a - b),
  mul: mulInt32,
};

/** Applies `f` to every element of the broadcast of `inputs`, reading each by its own index. */
export function mapBroadcast(
  inputs: readonly RefTensor[],
  dtype: DType,
  f: (values: number[]) => number,
): RefTensor {
  const shape = broadcastShapes(...inputs.map((t) => t.shape));
  const data = new Float64Array(sizeOf(shape));
  for (let flat = 0; flat < data.length; flat++) {
    const index = unravel(flat, shape);
    data[flat] = f(inputs.map((t) => t.data[broadcastSource(index, t.shape)]));
  }
  return { shape, dtype, data };
}

export function binary(op: BinaryOp, a: RefTensor, b: RefTensor): RefTensor {
  const plan = binaryPlan(op, a.dtype, b.dtype);
  const f = (plan.compute === 'int32' ? INT_BINARY[op] : undefined) ?? FLOAT_BINARY[op];
  const left = castTensor(a, plan.compute);
  const right = castTensor(b, plan.compute);
  return mapBroadcast([left, right], plan.output, ([x, y]) => f(x, y));
}

/** `a` where `condition` is nonzero, else `b`; the branches promote to a common dtype. */
export function where(condition: RefTensor, a: RefTensor, b: RefTensor): RefTensor {
  const dtype = promote(a.dtype, b.dtype);
  const left = castTensor(a, dtype);
  const right = castTensor(b, dtype);
  return mapBroadcast([condition, left, right], dtype, ([c, x, y]) => (c !== 0 ? x : y));
}

export function expand(x: RefTensor, shape: readonly number[]): RefTensor {
  const data = new Float64Array(sizeOf(shape));
  for (let flat = 0; flat < data.length; flat++) {
    data[flat] = x.data[broadcastSource(unravel(flat, shape), x.shape)];
  }
  return { shape, dtype: x.dtype, data };
}

/** Converts to `dtype`; a new tensor even when the dtype does not change. */
export function cast(x: RefTensor, dtype: DType): RefTensor {
  return { shape: x.shape, dtype, data: x.data.map((v) => castValue(v, dtype)) };
}

export function fill(shape: readonly number[], value: number, dtype: DType): RefTensor {
  return { shape, dtype, data: new Float64Array(sizeOf(shape)).fill(castValue(value, dtype)) };
}
