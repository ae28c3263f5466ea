import type { Backend } from '../backend';
import { checkDType, type DType, isFloatDType, promoteDTypes, toTypedArray } from '../dtype';
import { ENGINE } from '../engine';
import { DTypeError } from '../errors';
import type { BinaryOp, UnaryOp } from '../kernels';
import { broadcastShapes, shapesEqual } from '../shape';
import { Tensor, type TensorLike } from '../tensor';

/** Unary ops whose result is a float whatever the input dtype. */
export const FLOAT_ONLY_UNARY: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
]);

const COMPARISONS = new Set<BinaryOp>([
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
]);

/** Runs a Unary kernel; integer inputs of float-only functions are cast to float32 first. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  x.throwIfDisposed(op);
  let input = x;
  let outDtype: DType;
  if (op === 'logicalNot') {
    input = cast(x, 'bool');
    outDtype = 'bool';
  } else if (op === 'isnan' || op === 'isfinite') {
    outDtype = 'bool';
  } else {
    if (x.dtype === 'bool') input = cast(x, FLOAT_ONLY_UNARY.has(op) ? 'float32' : 'int32');
    else if (!isFloatDType(x.dtype) && FLOAT_ONLY_UNARY.has(op)) input = cast(x, 'float32');
    outDtype = input.dtype;
  }
  const output = ENGINE.runKernel('Unary', [input], { op }, { shape: x.shape, dtype: outDtype });
  releaseTemporaries(output, [x], [input]);
  return output;
}

/** Picks the dtype for a number used beside a tensor of `likeDtype`: integers keep it, fractions need a float. */
function numberDType(value: number, likeDtype: DType): DType {
  if (Number.isInteger(value)) return likeDtype === 'bool' ? 'int32' : likeDtype;
  return isFloatDType(likeDtype) ? likeDtype : 'float32';
}

/** Turns a number into a scalar tensor whose dtype suits an operand of `likeDtype`. */
export function toTensor(value: TensorLike, like: { dtype: DType; backend?: Backend }): Tensor {
  if (value instanceof Tensor) return value;
  const dtype = numberDType(value, like.dtype);
  return ENGINE.writeTensor(toTypedArray([value], dtype), [], dtype, like.backend);
}

/**
 * Disposes the temporaries an op made (scalars, casts) unless autograd recorded the output,
 * in which case the tape refers to them and the enclosing tidy frees them.
 */
function releaseTemporaries(
  output: Tensor,
  inputs: readonly TensorLike[],
  temporaries: readonly Tensor[],
): void {
  if (output.requiresGrad) return;
  for (const t of temporaries) if (!inputs.includes(t)) t.dispose();
}

/**
 * Runs a Binary kernel: numbers become scalars, both inputs are promoted to a common dtype,
 * shapes are broadcast. Division always produces a float (true division).
 */
export function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new TypeError(`${op}: at least one argument must be a Tensor`);
  }
  for (const operand of [a, b]) {
    if (!(operand instanceof Tensor) && typeof operand !== 'number') {
      throw new TypeError(`${op}: expected a Tensor or a number, got ${describeValue(operand)}`);
    }
  }
  if (a instanceof Tensor) a.throwIfDisposed(op);
  if (b instanceof Tensor) b.throwIfDisposed(op);
  const left = a instanceof Tensor ? a : toTensor(a, b as Tensor);
  const right = b instanceof Tensor ? b : toTensor(b, left);
  const shape = broadcastShapes(op, left.shape, right.shape);
  const dtype = binaryComputeDType(op, left.dtype, right.dtype);
  const outDtype =
    COMPARISONS.has(op) || op === 'logicalAnd' || op === 'logicalOr' ? 'bool' : dtype;
  const castLeft = cast(left, dtype);
  const castRight = cast(right, dtype);
  const output = ENGINE.runKernel(
    'Binary',
    [castLeft, castRight],
    { op },
    { shape, dtype: outDtype },
  );
  releaseTemporaries(output, [a, b], [left, right, castLeft, castRight]);
  return output;
}

/**
 * Returns the dtype a Binary op computes in for operands of `left` and `right`. That is the
 * promoted dtype, except that division and pow need a float, logical ops work on bool, and
 * arithmetic on bool uses int32. Comparisons compute in this dtype and output bool.
 */
export function binaryComputeDType(op: BinaryOp, left: DType, right: DType): DType {
  const dtype = promoteDTypes(left, right);
  if (op === 'logicalAnd' || op === 'logicalOr') return 'bool';
  if (op === 'div' || op === 'pow') return isFloatDType(dtype) ? dtype : 'float32';
  if (dtype === 'bool' && !COMPARISONS.has(op)) return 'int32';
  return dtype;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array (wrap it with tensor())';
  return typeof value === 'string' ? `the string '${value}'` : typeof value;
}

/** Converts to `dtype`; returns `x` itself when it already has that dtype. */
export function cast(x: Tensor, dtype: DType): Tensor {
  x.throwIfDisposed('cast');
  checkDType('cast', dtype);
  if (x.dtype === dtype) return x;
  return ENGINE.runKernel('Cast', [x], {}, { shape: x.shape, dtype });
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', a, b);
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => binary('notEqual', a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binary('lessEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binary('greaterEqual', a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binary('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binary('logicalOr', a, b);

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const expm1 = (x: Tensor): Tensor => unary('expm1', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const log1p = (x: Tensor): Tensor => unary('log1p', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
export const sin = (x: Tensor): Tensor => unary('sin', x);
export const cos = (x: Tensor): Tensor => unary('cos', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
export const floor = (x: Tensor): Tensor => unary('floor', x);
export const ceil = (x: Tensor): Tensor => unary('ceil', x);
export const round = (x: Tensor): Tensor => unary('round', x);
export const isnan = (x: Tensor): Tensor => unary('isnan', x);
export const isfinite = (x: Tensor): Tensor => unary('isfinite', x);
export const logicalNot = (x: Tensor): Tensor => unary('logicalNot', x);

/** Limits values to [min, max]; pass null to leave a side open. NaN stays NaN. */
export function clamp(x: Tensor, min: number | null, max: number | null): Tensor {
  if (min !== null && max !== null) {
    const lower = maximum(x, min);
    const output = minimum(lower, max);
    if (!output.requiresGrad) lower.dispose();
    return output;
  }
  if (min !== null) return maximum(x, min);
  if (max !== null) return minimum(x, max);
  return x;
}

/**
 * Picks `a` where `condition` is true and `b` elsewhere, broadcasting all three.
 *
 * @example
 * where(x.greater(0), x, 0); // relu
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (condition.dtype !== 'bool') {
    throw new DTypeError(`where: condition must have dtype bool, got ${condition.dtype}`);
  }
  const like =
    a instanceof Tensor
      ? a
      : b instanceof Tensor
        ? b
        : { dtype: 'float32' as DType, backend: condition.backend };
  const left = toTensor(a, like);
  const right = toTensor(b, left);
  const shape = broadcastShapes('where', condition.shape, left.shape, right.shape);
  const dtype = promoteDTypes(left.dtype, right.dtype);
  const castLeft = cast(left, dtype);
  const castRight = cast(right, dtype);
  const output = ENGINE.runKernel('Where', [condition, castLeft, castRight], {}, { shape, dtype });
  releaseTemporaries(output, [a, b], [left, right, castLeft, castRight]);
  return output;
}

export function sameShape(a: Tensor, b: Tensor): boolean {
  return shapesEqual(a.shape, b.shape);
}
