import { type DType, isFloatDType } from '../dtype';
import { ENGINE } from '../engine';
import { formatShape, ShapeError } from '../errors';
import type { ReduceOp } from '../kernels';
import { normalizeAxes, normalizeAxis } from '../shape';
import type { Tensor } from '../tensor';
import { cast, div, isfinite, where } from './elementwise';
import { reshape } from './shape-ops';

export type Axes = number | readonly number[];

function reduceShapes(x: Tensor, axes: readonly number[]): { reduced: number[]; kept: number[] } {
  const reduced: number[] = [];
  const kept: number[] = [];
  x.shape.forEach((d, i) => {
    const isReduced = axes.includes(i);
    if (!isReduced) reduced.push(d);
    kept.push(isReduced ? 1 : d);
  });
  return { reduced, kept };
}

function reduceWith(
  op: ReduceOp,
  name: string,
  x: Tensor,
  axis: Axes | undefined,
  keepDims: boolean,
): Tensor {
  x.throwIfDisposed(name);
  // A rank-0 tensor accepts axis 0 or -1, but has no axis to reduce.
  const axes = normalizeAxes(name, axis, x.rank).filter((a) => a < x.rank);
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(
      `${name}: cannot reduce over an empty axis of shape ${formatShape(x.shape)}; ` +
        `the ${op === 'max' ? 'maximum' : 'minimum'} of no values is undefined`,
    );
  }
  let input = x;
  let dtype: DType = x.dtype;
  if ((op === 'sum' || op === 'prod') && !isFloatDType(x.dtype)) dtype = 'int32';
  if (x.dtype === 'bool') input = cast(x, 'int32');
  const { reduced, kept } = reduceShapes(x, axes);
  const output = ENGINE.runKernel('Reduce', [input], { op, axes }, { shape: reduced, dtype });
  if (input !== x && !output.requiresGrad) input.dispose();
  return keepDims ? reshapeOwned(output, kept) : output;
}

/** Reshapes a tensor the caller made and no longer needs in its old shape. */
function reshapeOwned(x: Tensor, shape: readonly number[]): Tensor {
  const result = reshape(x, shape);
  if (!result.requiresGrad) x.dispose();
  return result;
}

/**
 * Sum over `axis` (all axes when omitted). Integer and bool inputs sum to int32; an empty
 * axis sums to 0.
 *
 * @example
 * tensor([[1, 2], [3, 4]]).sum(0); // [4, 6]
 */
export function sum(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return reduceWith('sum', 'sum', x, axis, keepDims);
}

export function prod(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return reduceWith('prod', 'prod', x, axis, keepDims);
}

/** Maximum over `axis`; NaN propagates. Throws for an empty axis. */
export function max(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return reduceWith('max', 'max', x, axis, keepDims);
}

export function min(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return reduceWith('min', 'min', x, axis, keepDims);
}

/** Mean over `axis`; integer inputs give float32 and an empty axis gives NaN (0 / 0). */
export function mean(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  const axes = normalizeAxes('mean', axis, x.rank);
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  const floatInput = isFloatDType(x.dtype) ? x : cast(x, 'float32');
  const total = sum(floatInput, axes, keepDims);
  const output = div(total, count);
  if (!output.requiresGrad) {
    total.dispose();
    if (floatInput !== x) floatInput.dispose();
  }
  return output;
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number): Tensor {
  x.throwIfDisposed(op);
  const resolved = normalizeAxis(op, axis, x.rank);
  if (x.rank === 0)
    return ENGINE.runKernel('Fill', [], { value: 0 }, { shape: [], dtype: 'int32' });
  if (x.shape[resolved] === 0) {
    throw new ShapeError(
      `${op}: cannot reduce over empty axis ${axis} of shape ${formatShape(x.shape)}`,
    );
  }
  const shape = x.shape.filter((_, i) => i !== resolved);
  return ENGINE.runKernel('ArgReduce', [x], { op, axis: resolved }, { shape, dtype: 'int32' });
}

/** Index of the first maximum along `axis` (int32). */
export function argmax(x: Tensor, axis = -1): Tensor {
  return argReduce('argmax', x, axis);
}

export function argmin(x: Tensor, axis = -1): Tensor {
  return argReduce('argmin', x, axis);
}

/**
 * log(sum(exp(x))) over `axis`, computed as m + log(sum(exp(x - m))) with m the maximum.
 * Where m is infinite the shift is skipped, so all -Infinity gives -Infinity and any
 * +Infinity gives +Infinity instead of NaN.
 */
export function logsumexp(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return ENGINE.composite([x], () => {
    const axes = normalizeAxes('logsumexp', axis, x.rank);
    const floatX = isFloatDType(x.dtype) ? x : cast(x, 'float32');
    const rawMax = max(floatX, axes, true);
    const shift = where(isfinite(rawMax), rawMax, 0);
    const summed = floatX.sub(shift).exp().sum(axes, true).log().add(shift);
    const { reduced } = reduceShapes(x, axes);
    return keepDims ? summed : reshape(summed, reduced);
  });
}
