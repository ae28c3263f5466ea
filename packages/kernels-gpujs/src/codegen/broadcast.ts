import {
  broadcastStrides,
  collapseAxes,
  offsetOf,
  shapesEqual,
  sizeOf,
  stridesOf,
  unravel,
} from './index-math';

/**
 * Builds the lines that find, for output element `i`, the flat index of each input broadcast to
 * `outShape`. Inputs of the output's shape read at `i` and single values at 0, so only real
 * broadcasts pay for the coordinate arithmetic.
 */
export function broadcastIndices(
  inputShapes: readonly (readonly number[])[],
  outShape: readonly number[],
): { code: string; indices: string[] } {
  const outSize = sizeOf(outShape);
  const indices = inputShapes.map((shape) => {
    if (sizeOf(shape) === 1) return '0';
    return shapesEqual(shape, outShape) ? 'i' : null;
  });
  const pending = inputShapes.flatMap((shape, k) => (indices[k] === null ? [shape] : []));
  if (pending.length === 0 || outSize === 0) {
    return { code: '', indices: indices.map((index) => index ?? 'i') };
  }
  const collapsed = collapseAxes(outShape, [
    stridesOf(outShape),
    ...pending.map((shape) => broadcastStrides(shape, outShape)),
  ]);
  const { code, coords } = unravel('i', collapsed.shape, 'c');
  let next = 1;
  const resolved = indices.map((index) => index ?? offsetOf(coords, collapsed.strides[next++]));
  return { code, indices: resolved };
}
