import { isFloatDType } from '../dtype';
import { ENGINE } from '../engine';
import { DTypeError, formatShape, ShapeError } from '../errors';
import type { BinaryOp, UnaryOp } from '../kernels';
import { broadcastShapes, shapesEqual } from '../shape';
import { Tensor, type TensorLike } from '../tensor';
import { binaryComputeDType, cast, describeValue, FLOAT_ONLY_UNARY, toTensor } from './elementwise';

/** Binary ops with an in-place form: the arithmetic ones, whose result can keep the target's dtype. */
export type InPlaceBinaryOp = Extract<
  BinaryOp,
  'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
>;

/** Unary ops with an in-place form: all but those that output bool. */
export type InPlaceUnaryOp = Exclude<UnaryOp, 'isnan' | 'isfinite' | 'logicalNot'>;

/**
 * Replaces the values of `target` with `op(target, other)`. `other` broadcasts to the target's
 * shape, and the result must keep the target's dtype (PyTorch's rule for in-place ops), so an
 * int32 tensor cannot be divided in place. Returns `target`.
 */
export function binaryInPlace(
  op: InPlaceBinaryOp,
  target: Tensor,
  other: TensorLike,
  name = `${op}_`,
): Tensor {
  target.throwIfDisposed(name);
  if (!(other instanceof Tensor) && typeof other !== 'number') {
    throw new TypeError(`${name}: expected a Tensor or a number, got ${describeValue(other)}`);
  }
  if (other instanceof Tensor) other.throwIfDisposed(name);
  const right = toTensor(other, target);
  try {
    const shape = broadcastShapes(name, target.shape, right.shape);
    if (!shapesEqual(shape, target.shape)) {
      throw new ShapeError(
        `${name}: the result has shape ${formatShape(shape)}, but the target has shape ` +
          `${formatShape(target.shape)}; an in-place op broadcasts only its other operand`,
      );
    }
    const dtype = binaryComputeDType(op, target.dtype, right.dtype);
    if (dtype !== target.dtype) {
      throw new DTypeError(
        `${name}: the result has dtype ${dtype}, which cannot be stored in the target of dtype ` +
          `${target.dtype}; use ${op}() for a new tensor`,
      );
    }
    const castRight = cast(right, dtype);
    try {
      ENGINE.runKernelInPlace('Binary', name, [target, castRight], { op });
    } finally {
      if (castRight !== right) castRight.dispose();
    }
  } finally {
    if (right !== other) right.dispose();
  }
  return target;
}

/** Replaces the values of `target` with `op(target)`. Returns `target`. */
export function unaryInPlace(op: InPlaceUnaryOp, target: Tensor): Tensor {
  const name = `${op}_`;
  target.throwIfDisposed(name);
  if (target.dtype === 'bool' || (FLOAT_ONLY_UNARY.has(op) && !isFloatDType(target.dtype))) {
    throw new DTypeError(
      `${name}: the result of ${op} on dtype ${target.dtype} cannot be stored in the target; ` +
        `use ${op}() for a new tensor`,
    );
  }
  return ENGINE.runKernelInPlace('Unary', name, [target], { op });
}

/**
 * Limits the values of `target` to [min, max] in place; null leaves a side open. Each bound is
 * one update, so `version` grows by one per bound.
 */
export function clampInPlace(target: Tensor, min: number | null, max: number | null): Tensor {
  target.throwIfDisposed('clamp_');
  if (min !== null) binaryInPlace('maximum', target, min, 'clamp_');
  if (max !== null) binaryInPlace('minimum', target, max, 'clamp_');
  return target;
}
