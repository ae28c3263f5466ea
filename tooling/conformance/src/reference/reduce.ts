import type { ArgReduceOp, ReduceOp } from '@tessera/tensor';
import { reducePlan } from './dtype-rules';
import {
  castTensor,
  mulInt32,
  type RefTensor,
  ravel,
  resolveAxis,
  sizeOf,
  unravel,
  wrapInt32,
} from './tensor';

const IDENTITY: Record<ReduceOp, number> = {
  sum: 0,
  prod: 1,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/** One step of each reduction. max and min propagate NaN: once NaN, the result stays NaN. */
const FLOAT_STEP: Record<ReduceOp, (acc: number, v: number) => number> = {
  sum: (acc, v) => acc + v,
  prod: (acc, v) => acc * v,
  max: (acc, v) => (Number.isNaN(acc) || Number.isNaN(v) ? Number.NaN : Math.max(acc, v)),
  min: (acc, v) => (Number.isNaN(acc) || Number.isNaN(v) ? Number.NaN : Math.min(acc, v)),
};

// int32 sums stay exact in float64 (below 2^53) and wrap once at the end, which equals
// wrapping at every step; products wrap at every step.
const INT_STEP: Record<ReduceOp, (acc: number, v: number) => number> = {
  ...FLOAT_STEP,
  prod: mulInt32,
};

/** Returns the shape left after reducing `axes`, with size-1 axes in their place if `keepDims`. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean) {
  const kept: number[] = [];
  shape.forEach((d, axis) => {
    if (!axes.includes(axis)) kept.push(d);
    else if (keepDims) kept.push(1);
  });
  return kept;
}

/** Reduces `axes` (every axis when omitted) in input order; an empty reduction is the identity. */
export function reduce(
  op: ReduceOp,
  x: RefTensor,
  axes: readonly number[] | undefined,
  keepDims: boolean,
): RefTensor {
  const plan = reducePlan(op, x.dtype);
  const input = castTensor(x, plan.compute);
  const rank = x.shape.length;
  const resolved = (axes ?? x.shape.map((_, axis) => axis)).map((a) => resolveAxis(a, rank));
  const outShape = reducedShape(x.shape, resolved, false);
  const acc = new Float64Array(sizeOf(outShape)).fill(IDENTITY[op]);
  const step = plan.compute === 'int32' ? INT_STEP[op] : FLOAT_STEP[op];
  for (let flat = 0; flat < input.data.length; flat++) {
    const index = unravel(flat, x.shape);
    const outIndex = index.filter((_, axis) => !resolved.includes(axis));
    const target = ravel(outIndex, outShape);
    acc[target] = step(acc[target], input.data[flat]);
  }
  const data = plan.compute === 'int32' && op === 'sum' ? acc.map(wrapInt32) : acc;
  return { shape: reducedShape(x.shape, resolved, keepDims), dtype: plan.output, data };
}

/**
 * Finds the index (int32) of the first maximum or minimum along `axis`. A NaN counts as the
 * extreme, so the first NaN wins.
 */
export function argReduce(op: ArgReduceOp, x: RefTensor, axis: number): RefTensor {
  const resolved = resolveAxis(axis, x.shape.length);
  const length = x.shape[resolved];
  const outShape = x.shape.filter((_, a) => a !== resolved);
  const data = new Float64Array(sizeOf(outShape));
  const better =
    op === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  for (let out = 0; out < data.length; out++) {
    const index = unravel(out, outShape);
    index.splice(resolved, 0, 0);
    let best = Number.NaN;
    let bestAt = -1;
    for (let i = 0; i < length; i++) {
      index[resolved] = i;
      const v = x.data[ravel(index, x.shape)];
      if (Number.isNaN(v)) {
        bestAt = i;
        break;
      }
      if (bestAt < 0 || better(v, best)) {
        best = v;
        bestAt = i;
      }
    }
    data[out] = bestAt;
  }
  return { shape: outShape, dtype: 'int32', data };
}
