import {
  allocArray,
  checkDType,
  type DType,
  dtypeOfArray,
  type TypedArray,
  toTypedArray,
} from '../dtype';
import { ENGINE } from '../engine';
import { formatShape, ShapeError, ValueError } from '../errors';
import { randomFor } from '../random';
import { checkShape, type Shape, sizeOf } from '../shape';
import type { NestedArray, Tensor } from '../tensor';

export type TensorData =
  | TypedArray
  | number
  | boolean
  | readonly (number | boolean | TensorDataNested)[];
type TensorDataNested = readonly (number | boolean | TensorDataNested)[];

/**
 * Makes a tensor from nested arrays, a flat array with a `shape`, or a typed array.
 * The dtype defaults to that of the typed array, else `bool` for booleans, else `float32`.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);                    // float32 [2,2]
 * tensor([0, 1, 2], [3], 'int32');
 * tensor(new Float32Array(6), [2, 3]);
 */
export function tensor(values: TensorData, shape?: Shape, dtype?: DType): Tensor {
  const { flat, inferredShape } = flatten(values);
  if (dtype !== undefined) checkDType('tensor', dtype);
  const resolvedShape = shape ?? inferredShape;
  checkShape('tensor', resolvedShape);
  if (sizeOf(resolvedShape) !== flat.length) {
    throw new ShapeError(
      `tensor: ${flat.length} values do not fill shape ${formatShape(resolvedShape)} ` +
        `(which needs ${sizeOf(resolvedShape)})`,
    );
  }
  const resolvedDtype =
    dtype ?? dtypeOfArray(flat) ?? (typeof firstValue(values) === 'boolean' ? 'bool' : 'float32');
  const typed =
    dtypeOfArray(flat) === resolvedDtype ? (flat as TypedArray) : toTypedArray(flat, resolvedDtype);
  return ENGINE.writeTensor(typed, resolvedShape, resolvedDtype);
}

/** Makes a rank-0 tensor. */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  return tensor(value, [], dtype);
}

function firstValue(values: TensorData): unknown {
  let value: unknown = values;
  while (Array.isArray(value) && value.length > 0) value = value[0];
  return value;
}

function flatten(values: TensorData): {
  flat: ArrayLike<number | boolean>;
  inferredShape: number[];
} {
  if (typeof values === 'number' || typeof values === 'boolean') {
    return { flat: [values], inferredShape: [] };
  }
  if (dtypeOfArray(values) !== undefined) {
    const typed = values as TypedArray;
    return { flat: typed, inferredShape: [typed.length] };
  }
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: (number | boolean)[] = [];
  const walk = (node: unknown, axis: number): void => {
    if (axis === shape.length) {
      if (typeof node !== 'number' && typeof node !== 'boolean') {
        throw new ValueError(`tensor: expected a number or boolean, got ${describe(node)}`);
      }
      flat.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      throw new ShapeError(
        `tensor: nested arrays are ragged; expected ${shape[axis]} items at depth ${axis}, got ${describe(node)}`,
      );
    }
    for (const child of node) walk(child, axis + 1);
  };
  walk(values, 0);
  return { flat, inferredShape: shape };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'string' ? `the string '${value}'` : String(value);
}

/** Makes a tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  checkDType('full', dtype);
  checkShape('full', shape);
  return ENGINE.runKernel('Fill', [], { value }, { shape, dtype });
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

/** Makes a tensor shaped like `like`, on its backend, filled with `value`. */
export function fullLike(like: Tensor, value: number, dtype: DType = like.dtype): Tensor {
  like.throwIfDisposed('fullLike');
  const storage = like.backend.kernels.Fill({
    inputs: [],
    attrs: { value },
    output: { shape: like.shape, dtype, size: like.size },
  });
  return ENGINE.makeTensor(storage, like.shape, dtype, like.backend);
}

export function zerosLike(like: Tensor, dtype: DType = like.dtype): Tensor {
  return fullLike(like, 0, dtype);
}

export function onesLike(like: Tensor, dtype: DType = like.dtype): Tensor {
  return fullLike(like, 1, dtype);
}

/** Values start, start + step, ... below `stop` (like `torch.arange`). */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step)) {
    throw new ValueError(`arange: step must be a finite nonzero number, got ${step}`);
  }
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new ValueError(`arange: start and stop must be finite numbers, got ${from} and ${to}`);
  }
  const count = Math.max(0, Math.ceil((to - from) / step));
  checkShape('arange', [count]);
  const resolved = dtype ?? ([from, to, step].every(Number.isInteger) ? 'int32' : 'float32');
  const values = allocArray(resolved, count);
  for (let i = 0; i < count; i++) values[i] = from + i * step;
  return ENGINE.writeTensor(values, [count], resolved);
}

/** Makes the n x n identity matrix. */
export function eye(n: number, dtype: DType = 'float32'): Tensor {
  checkShape('eye', [n, n]);
  checkDType('eye', dtype);
  const values = allocArray(dtype, n * n);
  for (let i = 0; i < n; i++) values[i * n + i] = 1;
  return ENGINE.writeTensor(values, [n, n], dtype);
}

export interface RandomOptions {
  /** Seed for this call; without it the global generator (see `manualSeed`) is used. */
  seed?: number;
  dtype?: 'float32' | 'float64';
}

/** Samples from a normal distribution with the given mean and standard deviation. */
export function randomNormal(
  shape: Shape,
  options: RandomOptions & { mean?: number; std?: number } = {},
): Tensor {
  checkShape('randomNormal', shape);
  const { mean = 0, std = 1, dtype = 'float32' } = options;
  checkDType('randomNormal', dtype);
  const random = randomFor(options.seed);
  const values = allocArray(dtype, sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = mean + std * random.normal();
  return ENGINE.writeTensor(values, shape, dtype);
}

/** Samples uniformly from [low, high). */
export function randomUniform(
  shape: Shape,
  options: RandomOptions & { low?: number; high?: number } = {},
): Tensor {
  checkShape('randomUniform', shape);
  const { low = 0, high = 1, dtype = 'float32' } = options;
  checkDType('randomUniform', dtype);
  if (!(high >= low)) throw new ValueError(`randomUniform: high (${high}) must be >= low (${low})`);
  const random = randomFor(options.seed);
  const values = allocArray(dtype, sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * random.uniform();
  return ENGINE.writeTensor(values, shape, dtype);
}

export type { NestedArray };
