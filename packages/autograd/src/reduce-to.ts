import { type Shape, shapesEqual, type Tensor } from '@tessera/tensor';

/**
 * Sums a broadcast gradient back to `shape`: leading axes the input did not have, and axes
 * where the input had size 1, are summed away.
 */
export function sumToShape(gradient: Tensor, shape: Shape): Tensor {
  if (shapesEqual(gradient.shape, shape)) return gradient;
  const lead = gradient.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < gradient.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && gradient.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? gradient.sum(axes, true) : gradient;
  return summed.reshape(shape);
}
