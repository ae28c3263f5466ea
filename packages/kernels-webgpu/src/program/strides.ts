/**
 * Stride arithmetic on the host: every copy-like kernel reads its operands through element
 * strides over the output's axes (0 along broadcast axes).
 */

/** Row-major strides, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

// Shared with every backend: the tensor package defines them once.
export { broadcastStrides, type CollapsedAxes, collapseAxes, sizeOf } from '@tessera/tensor';

/** Returns the row-major coordinates of flat `index` in `shape`. */
export function coordinatesOf(shape: readonly number[], index: number): number[] {
  const coords = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    coords[axis] = index % shape[axis];
    index = Math.floor(index / shape[axis]);
  }
  return coords;
}

/**
 * Returns the smallest and largest offset `sum(c[i] * strides[i])` over the coordinates of flat indices
 * `first..last` of `shape` (strides nonnegative). This is the part of an operand that one chunk of
 * the output reads, so the operand's binding can cover just that part.
 *
 * The coordinates run through a lexicographic range. For the maximum, follow `last`'s digits from
 * the first axis: at each axis, stepping one below `last`'s digit (when the range allows it)
 * frees every later axis to its largest value, and following the digit keeps the upper bound.
 * The minimum mirrors this along `first`'s digits.
 */
export function offsetRange(
  shape: readonly number[],
  strides: readonly number[],
  first: number,
  last: number,
): [number, number] {
  const a = coordinatesOf(shape, first);
  const b = coordinatesOf(shape, last);
  const rank = shape.length;
  const freeMax = new Array<number>(rank + 1).fill(0);
  for (let axis = rank - 1; axis >= 0; axis--) {
    freeMax[axis] = freeMax[axis + 1] + (shape[axis] - 1) * strides[axis];
  }
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  let maxPrefix = 0;
  let minPrefix = 0;
  let lowerBound = true;
  let upperBound = true;
  for (let axis = 0; axis < rank; axis++) {
    const s = strides[axis];
    const low = lowerBound ? a[axis] : 0;
    if (b[axis] - 1 >= low) max = Math.max(max, maxPrefix + (b[axis] - 1) * s + freeMax[axis + 1]);
    maxPrefix += b[axis] * s;
    lowerBound = lowerBound && b[axis] === a[axis];
    const high = upperBound ? b[axis] : shape[axis] - 1;
    if (a[axis] + 1 <= high) min = Math.min(min, minPrefix + (a[axis] + 1) * s);
    minPrefix += a[axis] * s;
    upperBound = upperBound && a[axis] === b[axis];
  }
  return [Math.min(min, minPrefix), Math.max(max, maxPrefix)];
}
