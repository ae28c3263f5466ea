import { type RefTensor, ravel, resolveAxis, sizeOf, unravel, wrapInt32 } from './tensor';

/**
 * Slices of `x` along `axis` at `indices`: out[pre, j..., post] = x[pre, indices[j...], post],
 * with output shape x.shape[:axis] + indices.shape + x.shape[axis + 1:].
 */
export function gather(x: RefTensor, indices: RefTensor, axis: number): RefTensor {
  const resolved = resolveAxis(axis, x.shape.length);
  const indexRank = indices.shape.length;
  const shape = [...x.shape.slice(0, resolved), ...indices.shape, ...x.shape.slice(resolved + 1)];
  const data = new Float64Array(sizeOf(shape));
  for (let flat = 0; flat < data.length; flat++) {
    const outIndex = unravel(flat, shape);
    const position = outIndex.slice(resolved, resolved + indexRank);
    const source = [
      ...outIndex.slice(0, resolved),
      indices.data[ravel(position, indices.shape)],
      ...outIndex.slice(resolved + indexRank),
    ];
    data[flat] = x.data[ravel(source, x.shape)];
  }
  return { shape, dtype: x.dtype, data };
}

/**
 * Computes the adjoint of gather: zeros of `shape`, and every element of `updates` added at the
 * position its index selects along `axis`. Repeated indices accumulate (in float64, rounded once);
 * int32 sums wrap.
 */
export function scatterAdd(
  updates: RefTensor,
  indices: RefTensor,
  axis: number,
  shape: readonly number[],
): RefTensor {
  const resolved = resolveAxis(axis, shape.length);
  const indexRank = indices.shape.length;
  const data = new Float64Array(sizeOf(shape));
  for (let flat = 0; flat < updates.data.length; flat++) {
    const updateIndex = unravel(flat, updates.shape);
    const position = updateIndex.slice(resolved, resolved + indexRank);
    const target = [
      ...updateIndex.slice(0, resolved),
      indices.data[ravel(position, indices.shape)],
      ...updateIndex.slice(resolved + indexRank),
    ];
    data[ravel(target, shape)] += updates.data[flat];
  }
  if (updates.dtype === 'int32') return { shape, dtype: 'int32', data: data.map(wrapInt32) };
  // A bool sum cast back to bool is a logical or.
  if (updates.dtype === 'bool') return { shape, dtype: 'bool', data: data.map((v) => +(v !== 0)) };
  return { shape, dtype: updates.dtype, data };
}
