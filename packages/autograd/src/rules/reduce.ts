import { equal, isnan, logicalAnd, logicalOr, type Tensor, where } from '@tessera/tensor';
import type { GradRule } from './types';

/** Reshapes the output gradient with the reduced axes as size 1, then broadcasts it to `x`. */
function expandReduced(dy: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return dy.reshape(kept).broadcastTo(x.shape);
}

function keptShape(x: Tensor, axes: readonly number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

export const reduceRule: GradRule<'Reduce'> = ({ inputs, attrs, output }, dy) => {
  const x = inputs[0];
  const { axes } = attrs;
  if (attrs.op === 'sum') return [expandReduced(dy, x, axes)];
  const kept = keptShape(x, axes);
  const y = output.reshape(kept);
  const g = dy.reshape(kept);
  if (attrs.op === 'prod') return [g.mul(prodOfOthers(x, axes, y))];
  // max and min: the gradient is shared evenly by every element equal to the extremum
  // (NaN counts as equal to a NaN result).
  const hits = logicalOr(equal(x, y), logicalAnd(isnan(x), isnan(y))).cast(x.dtype);
  const count = hits.sum(axes, true);
  return [hits.mul(g.div(count))];
};

/**
 * For each element, the product of the other elements in its reduction group, exact when the
 * group has zeros: y / x without zeros, the product of the nonzeros at the only zero, else 0.
 */
function prodOfOthers(x: Tensor, axes: readonly number[], y: Tensor): Tensor {
  const isZero = equal(x, 0);
  const nonzero = where(isZero, 1, x);
  const productOfNonzeros = nonzero.prod(axes, true);
  const zeroCount = isZero.sum(axes, true);
  const onlyZero = logicalAnd(equal(zeroCount, 1), isZero);
  return where(equal(zeroCount, 0), y.div(nonzero), where(onlyZero, productOfNonzeros, 0));
}
