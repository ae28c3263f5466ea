import { castValue, type RefTensor, ravel, resolveAxis, sizeOf, unravel } from './tensor';

/** Output axis i is input axis perm[i]. */
export function transpose(x: RefTensor, perm: readonly number[]): RefTensor {
  const shape = perm.map((axis) => x.shape[axis]);
  const data = new Float64Array(x.data.length);
  for (let flat = 0; flat < data.length; flat++) {
    const outIndex = unravel(flat, shape);
    const inIndex = new Array<number>(perm.length);
    perm.forEach((axis, i) => {
      inIndex[axis] = outIndex[i];
    });
    data[flat] = x.data[ravel(inIndex, x.shape)];
  }
  return { shape, dtype: x.dtype, data };
}

/**
 * Copies the box that starts at `begin` with extent `size` (-1 or omitted: to the end of the
 * axis), read as the tensor layer's `slice` reads them. Negative begins count from the end.
 */
export function slice(
  x: RefTensor,
  begin: readonly number[],
  size: readonly number[] | undefined,
): RefTensor {
  const start = x.shape.map((d, axis) => {
    const b = begin[axis] ?? 0;
    return b < 0 ? b + d : b;
  });
  const shape = x.shape.map((d, axis) => {
    const s = size?.[axis] ?? -1;
    return s === -1 ? d - start[axis] : s;
  });
  const data = new Float64Array(sizeOf(shape));
  for (let flat = 0; flat < data.length; flat++) {
    const index = unravel(flat, shape).map((i, axis) => i + start[axis]);
    data[flat] = x.data[ravel(index, x.shape)];
  }
  return { shape, dtype: x.dtype, data };
}

export function concat(inputs: readonly RefTensor[], axis: number): RefTensor {
  const first = inputs[0];
  const resolved = resolveAxis(axis, first.shape.length);
  const shape = [...first.shape];
  shape[resolved] = inputs.reduce((total, t) => total + t.shape[resolved], 0);
  const data = new Float64Array(sizeOf(shape));
  for (let flat = 0; flat < data.length; flat++) {
    const index = unravel(flat, shape);
    // Walk the inputs until the one that contains this position along `axis`.
    let which = 0;
    while (index[resolved] >= inputs[which].shape[resolved]) {
      index[resolved] -= inputs[which].shape[resolved];
      which++;
    }
    data[flat] = inputs[which].data[ravel(index, inputs[which].shape)];
  }
  return { shape, dtype: first.dtype, data };
}

/** Pads axis i with paddings[i] = [before, after] elements equal to `value`. */
export function pad(
  x: RefTensor,
  paddings: readonly (readonly [number, number])[],
  value: number,
): RefTensor {
  const shape = x.shape.map((d, axis) => d + paddings[axis][0] + paddings[axis][1]);
  const fillValue = castValue(value, x.dtype);
  const data = new Float64Array(sizeOf(shape));
  for (let flat = 0; flat < data.length; flat++) {
    const index = unravel(flat, shape).map((i, axis) => i - paddings[axis][0]);
    const inside = index.every((i, axis) => i >= 0 && i < x.shape[axis]);
    data[flat] = inside ? x.data[ravel(index, x.shape)] : fillValue;
  }
  return { shape, dtype: x.dtype, data };
}
