import { ENGINE } from '../engine';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors';
import {
  broadcastShapes,
  normalizeAxes,
  normalizeAxis,
  type Shape,
  shapesEqual,
  sizeOf,
} from '../shape';
import type { Tensor } from '../tensor';

/**
 * The same values in a new shape; one dimension may be -1 and is then inferred. Shares storage.
 *
 * @example
 * arange(6).reshape([2, -1]); // shape [2,3]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.throwIfDisposed('reshape');
  const resolved = [...shape];
  const inferred = resolved.indexOf(-1);
  if (inferred !== resolved.lastIndexOf(-1)) {
    throw new ShapeError(`reshape: shape ${formatShape(shape)} has more than one -1`);
  }
  for (const d of resolved) {
    if (!Number.isInteger(d) || d < -1)
      throw new ShapeError(`reshape: invalid shape ${formatShape(shape)}`);
  }
  if (inferred >= 0) {
    const known = sizeOf(resolved.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x.shape)} (size ${x.size}) into ${formatShape(shape)}`,
      );
    }
    resolved[inferred] = x.size / known;
  }
  if (sizeOf(resolved) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(x.shape)} (size ${x.size}) into ${formatShape(shape)} (size ${sizeOf(resolved)})`,
    );
  }
  return ENGINE.reshape(x, resolved);
}

/** Merges axes `startAxis..endAxis` (inclusive) into one. */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const start = normalizeAxis('flatten', startAxis, x.rank);
  const end = normalizeAxis('flatten', endAxis, x.rank);
  if (start > end)
    throw new ShapeError(`flatten: startAxis ${startAxis} comes after endAxis ${endAxis}`);
  const merged = sizeOf(x.shape.slice(start, end + 1));
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/** Removes axes of size 1 (the given ones, or all). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const axes =
    axis === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, x.rank);
  for (const a of axes) {
    if (x.shape[a] !== 1) {
      throw new ShapeError(
        `squeeze: axis ${a} of shape ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`,
      );
    }
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Inserts an axis of size 1 at `axis` (negative counts from the end of the new shape). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const resolved = normalizeAxis('unsqueeze', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(resolved, 0, 1);
  return reshape(x, shape);
}

/** Permutes axes; without `perm`, swaps the last two axes (a matrix transpose). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  x.throwIfDisposed('transpose');
  let resolved: number[];
  if (perm === undefined) {
    resolved = x.shape.map((_, i) => i);
    if (x.rank >= 2) [resolved[x.rank - 2], resolved[x.rank - 1]] = [x.rank - 1, x.rank - 2];
  } else {
    if (perm.length !== x.rank) {
      throw new ShapeError(
        `transpose: perm [${perm.join(',')}] has ${perm.length} axes, the tensor ${x.rank}`,
      );
    }
    resolved = perm.map((a) => normalizeAxis('transpose', a, x.rank));
    if (new Set(resolved).size !== resolved.length) {
      throw new ShapeError(`transpose: perm [${perm.join(',')}] repeats an axis`);
    }
  }
  if (resolved.every((a, i) => a === i)) return reshape(x, x.shape);
  const shape = resolved.map((a) => x.shape[a]);
  return ENGINE.runKernel('Transpose', [x], { perm: resolved }, { shape, dtype: x.dtype });
}

/**
 * The box starting at `begin` of extent `size` (-1 or omitted: to the end of the axis).
 * Negative begins count from the end.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  x.throwIfDisposed('slice');
  if (begin.length > x.rank || (size !== undefined && size.length !== begin.length)) {
    throw new ShapeError(
      `slice: begin [${begin.join(',')}] and size [${size?.join(',') ?? ''}] do not fit shape ${formatShape(x.shape)}`,
    );
  }
  const start = x.shape.map((d, i) => {
    const b = begin[i] ?? 0;
    return b < 0 ? b + d : b;
  });
  const extent = x.shape.map((d, i) => {
    const s = size?.[i] ?? -1;
    return s === -1 ? d - start[i] : s;
  });
  for (let i = 0; i < x.rank; i++) {
    if (start[i] < 0 || extent[i] < 0 || start[i] + extent[i] > x.shape[i]) {
      throw new ShapeError(
        `slice: begin [${begin.join(',')}] with size [${extent.join(',')}] is out of bounds for shape ${formatShape(x.shape)}`,
      );
    }
  }
  return ENGINE.runKernel('Slice', [x], { begin: start }, { shape: extent, dtype: x.dtype });
}

/** Joins tensors along `axis`; all other axes and the dtype must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('concat: needs at least one tensor');
  const first = tensors[0];
  const resolved = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    const matches =
      t.rank === first.rank && t.shape.every((d, i) => i === resolved || d === first.shape[i]);
    if (!matches) {
      throw new ShapeError(
        `concat: shapes ${tensors.map((s) => formatShape(s.shape)).join(', ')} differ outside axis ${axis}`,
      );
    }
    if (t.dtype !== first.dtype) {
      throw new DTypeError(`concat: dtypes differ (${first.dtype} and ${t.dtype})`);
    }
  }
  if (tensors.length === 1) return reshape(first, first.shape);
  const shape = [...first.shape];
  shape[resolved] = tensors.reduce((total, t) => total + t.shape[resolved], 0);
  return ENGINE.runKernel('Concat', tensors, { axis: resolved }, { shape, dtype: first.dtype });
}

/** Stacks equal-shaped tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack: needs at least one tensor');
  for (const t of tensors) {
    if (!shapesEqual(t.shape, tensors[0].shape)) {
      throw new ShapeError(
        `stack: shapes ${tensors.map((s) => formatShape(s.shape)).join(', ')} differ`,
      );
    }
  }
  const resolved = normalizeAxis('stack', axis, tensors[0].rank + 1);
  return ENGINE.composite(tensors, () =>
    concat(
      tensors.map((t) => unsqueeze(t, resolved)),
      resolved,
    ),
  );
}

/** Pads each axis with `paddings[i] = [before, after]` copies of `value`. */
export function pad(
  x: Tensor,
  paddings: readonly (readonly [number, number])[],
  value = 0,
): Tensor {
  x.throwIfDisposed('pad');
  if (
    paddings.length !== x.rank ||
    paddings.some(([b, a]) => !(Number.isInteger(b) && Number.isInteger(a) && b >= 0 && a >= 0))
  ) {
    throw new ShapeError(
      `pad: paddings ${JSON.stringify(paddings)} must give [before, after] >= 0 for each of the ${x.rank} axes`,
    );
  }
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  return ENGINE.runKernel('Pad', [x], { paddings, value }, { shape, dtype: x.dtype });
}

/** Copies `x` into a storage of its own (an Expand to its own shape, so gradients pass through). */
export function clone(x: Tensor): Tensor {
  x.throwIfDisposed('clone');
  return ENGINE.runKernel('Expand', [x], {}, { shape: x.shape, dtype: x.dtype });
}

/** Copies `x` broadcast to `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  x.throwIfDisposed('broadcastTo');
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(target, shape)) {
    throw new ShapeError(
      `broadcastTo: shape ${formatShape(x.shape)} cannot be broadcast to ${formatShape(shape)}`,
    );
  }
  if (shapesEqual(x.shape, shape)) return reshape(x, shape);
  return ENGINE.runKernel('Expand', [x], {}, { shape: target, dtype: x.dtype });
}

function checkIndices(op: string, indices: Tensor): void {
  if (indices.dtype !== 'int32') {
    throw new DTypeError(`${op}: indices must have dtype int32, got ${indices.dtype}`);
  }
}

async function checkIndexRange(op: string, indices: Tensor, limit: number): Promise<void> {
  const values = await indices.data();
  for (const v of values) {
    if (v < 0 || v >= limit)
      throw new ValueError(`${op}: index ${v} is out of range [0, ${limit})`);
  }
}

function checkIndexRangeSync(op: string, indices: Tensor, limit: number): void {
  if (indices.backend.readSync === undefined) return;
  const values = indices.dataSync();
  for (const v of values) {
    if (v < 0 || v >= limit)
      throw new ValueError(`${op}: index ${v} is out of range [0, ${limit})`);
  }
}

/**
 * Picks slices of `x` along `axis` at `indices` (int32). Output shape is
 * x.shape[:axis] + indices.shape + x.shape[axis+1:]. Indices are range-checked where the
 * backend reads synchronously (on GPU backends use `gatherChecked` to check asynchronously).
 *
 * @example
 * gather(tensor([[1, 2], [3, 4], [5, 6]]), tensor([2, 0], [2], 'int32')); // [[5, 6], [1, 2]]
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  x.throwIfDisposed('gather');
  checkIndices('gather', indices);
  const resolved = normalizeAxis('gather', axis, x.rank);
  checkIndexRangeSync('gather', indices, x.shape[resolved]);
  const shape = [...x.shape.slice(0, resolved), ...indices.shape, ...x.shape.slice(resolved + 1)];
  return ENGINE.runKernel('Gather', [x, indices], { axis: resolved }, { shape, dtype: x.dtype });
}

/** `gather` with the index range checked on every backend (reads the indices back first). */
export async function gatherChecked(x: Tensor, indices: Tensor, axis = 0): Promise<Tensor> {
  checkIndices('gather', indices);
  await checkIndexRange('gather', indices, x.shape[normalizeAxis('gather', axis, x.rank)]);
  return gather(x, indices, axis);
}

/**
 * The adjoint of gather: zeros of `shape`, with each slice of `updates` added at its index
 * along `axis`. `updates` has shape shape[:axis] + indices.shape + shape[axis+1:].
 */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  checkIndices('scatterAdd', indices);
  const resolved = normalizeAxis('scatterAdd', axis, shape.length);
  const expected = [...shape.slice(0, resolved), ...indices.shape, ...shape.slice(resolved + 1)];
  if (!shapesEqual(updates.shape, expected)) {
    throw new ShapeError(
      `scatterAdd: updates of shape ${formatShape(updates.shape)} do not match ${formatShape(expected)} ` +
        `(output ${formatShape(shape)}, indices ${formatShape(indices.shape)}, axis ${axis})`,
    );
  }
  checkIndexRangeSync('scatterAdd', indices, shape[resolved]);
  return ENGINE.runKernel(
    'ScatterAdd',
    [updates, indices],
    { axis: resolved },
    { shape, dtype: updates.dtype },
  );
}

/** One-hot rows (float32) of length `depth` for int32 class `indices`. */
export function oneHot(indices: Tensor, depth: number): Tensor {
  checkIndices('oneHot', indices);
  if (!Number.isInteger(depth) || depth < 1) {
    throw new ValueError(`oneHot: depth must be a positive integer, got ${depth}`);
  }
  checkIndexRangeSync('oneHot', indices, depth);
  return ENGINE.tidy(() => {
    const classes = ENGINE.writeTensor(
      Int32Array.from({ length: depth }, (_, i) => i),
      [depth],
      'int32',
      indices.backend,
    );
    return reshape(indices, [...indices.shape, 1])
      .equal(classes)
      .cast('float32');
  });
}
