import type { Backend } from './backend';
import type { DType, TypedArray } from './dtype';
import { ENGINE } from './engine';
import { BackendError, DisposedError, formatShape, ShapeError } from './errors';
import type { KernelInput, Storage } from './kernels';
import * as elementwise from './ops/elementwise';
import { binaryInPlace, clampInPlace, unaryInPlace } from './ops/in-place';
import { type MatMulOptions, matmul } from './ops/matmul';
import * as reduce from './ops/reduce';
import * as shapeOps from './ops/shape-ops';
import { logSoftmax, softmax } from './ops/softmax';
import { type Shape, shapesEqual, sizeOf } from './shape';

/** Nested arrays as returned by `array()`. */
export type NestedArray = number | NestedArray[];

export type TensorLike = Tensor | number;

/**
 * An n-dimensional array on a backend: a shape, a dtype and a storage handle. Ops return new
 * tensors and leave their inputs unchanged, except `assign` and the in-place ops ending in `_`
 * (`add_`, `exp_`), which replace the values of the tensor they are called on. `reshape`
 * shares storage; an in-place update of a tensor that shares storage moves it to a new buffer,
 * so the other tensors keep their values.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]]);
 * const y = x.matmul(x).add(1);
 * console.log(await y.array()); // [[8, 11], [16, 23]]
 */
export class Tensor {
  readonly size: number;
  /** Whether gradients flow to this tensor (set it on leaves, such as parameters). */
  requiresGrad = false;
  /** The accumulated gradient, filled by autograd's `backward`. */
  grad: Tensor | null = null;
  private disposed = false;
  private modifications = 0;

  /** @internal Tensors are made by ops; use `tensor()` or `zeros()` instead. */
  constructor(
    readonly id: number,
    private storageHandle: Storage,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly backend: Backend,
  ) {
    this.size = sizeOf(shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal The storage handle, for the engine and backends. */
  get storage(): Storage {
    this.throwIfDisposed('storage');
    return this.storageHandle;
  }

  /**
   * Counts the in-place updates of this tensor's values (`assign`, `add_` and the other ops
   * ending in `_`). Autograd compares it to detect a saved tensor changed before backward.
   */
  get version(): number {
    return this.modifications;
  }

  /** @internal Points this tensor at another storage; the engine moves the reference counts. */
  replaceStorage(storage: Storage): void {
    this.storageHandle = storage;
  }

  /** @internal Records that the values changed in place. */
  markModified(): void {
    this.modifications++;
  }

  /** @internal */
  kernelInput(): KernelInput {
    return { storage: this.storage, shape: this.shape, dtype: this.dtype };
  }

  /** @internal */
  throwIfDisposed(op: string): void {
    if (this.disposed) {
      throw new DisposedError(
        `${op}: tensor #${this.id} (shape ${formatShape(this.shape)}) was disposed; ` +
          'keep it alive with keep() or return it from tidy()',
      );
    }
  }

  /** Reads the values as a flat typed array (Uint8Array for bool). */
  async data(): Promise<TypedArray> {
    this.throwIfDisposed('data');
    return this.backend.read(this.storageHandle, this.dtype, this.size);
  }

  /** Like `data()`, but synchronous; only backends that can read synchronously support it. */
  dataSync(): TypedArray {
    this.throwIfDisposed('dataSync');
    if (this.backend.readSync === undefined) {
      throw new BackendError(
        `dataSync: backend '${this.backend.name}' cannot read synchronously; use await tensor.data()`,
      );
    }
    return this.backend.readSync(this.storageHandle, this.dtype, this.size);
  }

  /** Reads the values as nested arrays. */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }

  /** Reads the single value of a one-element tensor. */
  async item(): Promise<number> {
    this.checkSingleElement();
    return (await this.data())[0];
  }

  itemSync(): number {
    this.checkSingleElement();
    return this.dataSync()[0];
  }

  private checkSingleElement(): void {
    if (this.size !== 1) {
      throw new ShapeError(
        `item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not 1`,
      );
    }
  }

  /** Frees the storage once no other tensor shares it. Disposing twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    ENGINE.releaseStorage(this.storageHandle, this.backend);
    if (this.grad !== null) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * Replaces this tensor's values with those of `value` (same shape and dtype), for
   * parameters that optimizers update. The tensor then shares `value`'s storage.
   */
  assign(value: Tensor): this {
    this.throwIfDisposed('assign');
    value.throwIfDisposed('assign');
    if (!shapesEqual(value.shape, this.shape) || value.dtype !== this.dtype) {
      throw new ShapeError(
        `assign: value of shape ${formatShape(value.shape)} and dtype ${value.dtype} does not match ` +
          `the target's shape ${formatShape(this.shape)} and dtype ${this.dtype}`,
      );
    }
    if (value.backend !== this.backend) {
      throw new BackendError(
        `assign: value lives on backend '${value.backend.name}', the target on '${this.backend.name}'`,
      );
    }
    ENGINE.retainStorage(value.storageHandle);
    ENGINE.releaseStorage(this.storageHandle, this.backend);
    this.storageHandle = value.storageHandle;
    this.modifications++;
    return this;
  }

  /** Copies this tensor into a storage of its own; gradients flow through as through an identity. */
  clone(): Tensor {
    return shapeOps.clone(this);
  }

  // In-place ops, named as in PyTorch: each replaces this tensor's values and returns it. They
  // write into the existing buffer when no other tensor shares it, and throw while gradients are
  // recorded for an input that requires grad (use them inside noGrad()).

  add_(other: TensorLike): this {
    binaryInPlace('add', this, other);
    return this;
  }
  sub_(other: TensorLike): this {
    binaryInPlace('sub', this, other);
    return this;
  }
  mul_(other: TensorLike): this {
    binaryInPlace('mul', this, other);
    return this;
  }
  div_(other: TensorLike): this {
    binaryInPlace('div', this, other);
    return this;
  }
  pow_(other: TensorLike): this {
    binaryInPlace('pow', this, other);
    return this;
  }
  maximum_(other: TensorLike): this {
    binaryInPlace('maximum', this, other);
    return this;
  }
  minimum_(other: TensorLike): this {
    binaryInPlace('minimum', this, other);
    return this;
  }
  clamp_(min: number | null, max: number | null): this {
    clampInPlace(this, min, max);
    return this;
  }
  neg_(): this {
    unaryInPlace('neg', this);
    return this;
  }
  abs_(): this {
    unaryInPlace('abs', this);
    return this;
  }
  exp_(): this {
    unaryInPlace('exp', this);
    return this;
  }
  log_(): this {
    unaryInPlace('log', this);
    return this;
  }
  sqrt_(): this {
    unaryInPlace('sqrt', this);
    return this;
  }
  square_(): this {
    unaryInPlace('square', this);
    return this;
  }
  tanh_(): this {
    unaryInPlace('tanh', this);
    return this;
  }
  sigmoid_(): this {
    unaryInPlace('sigmoid', this);
    return this;
  }
  relu_(): this {
    unaryInPlace('relu', this);
    return this;
  }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}, dtype=${this.dtype}, backend=${this.backend.name})`;
  }

  // Chainable ops; each calls the function of the same name.

  add(other: TensorLike): Tensor {
    return elementwise.add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return elementwise.sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return elementwise.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return elementwise.div(this, other);
  }
  pow(other: TensorLike): Tensor {
    return elementwise.pow(this, other);
  }
  maximum(other: TensorLike): Tensor {
    return elementwise.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return elementwise.minimum(this, other);
  }
  equal(other: TensorLike): Tensor {
    return elementwise.equal(this, other);
  }
  notEqual(other: TensorLike): Tensor {
    return elementwise.notEqual(this, other);
  }
  less(other: TensorLike): Tensor {
    return elementwise.less(this, other);
  }
  lessEqual(other: TensorLike): Tensor {
    return elementwise.lessEqual(this, other);
  }
  greater(other: TensorLike): Tensor {
    return elementwise.greater(this, other);
  }
  greaterEqual(other: TensorLike): Tensor {
    return elementwise.greaterEqual(this, other);
  }
  neg(): Tensor {
    return elementwise.neg(this);
  }
  abs(): Tensor {
    return elementwise.abs(this);
  }
  exp(): Tensor {
    return elementwise.exp(this);
  }
  log(): Tensor {
    return elementwise.log(this);
  }
  sqrt(): Tensor {
    return elementwise.sqrt(this);
  }
  square(): Tensor {
    return elementwise.square(this);
  }
  tanh(): Tensor {
    return elementwise.tanh(this);
  }
  sigmoid(): Tensor {
    return elementwise.sigmoid(this);
  }
  relu(): Tensor {
    return elementwise.relu(this);
  }
  clamp(min: number | null, max: number | null): Tensor {
    return elementwise.clamp(this, min, max);
  }
  cast(dtype: DType): Tensor {
    return elementwise.cast(this, dtype);
  }
  sum(axis?: number | readonly number[], keepDims = false): Tensor {
    return reduce.sum(this, axis, keepDims);
  }
  prod(axis?: number | readonly number[], keepDims = false): Tensor {
    return reduce.prod(this, axis, keepDims);
  }
  mean(axis?: number | readonly number[], keepDims = false): Tensor {
    return reduce.mean(this, axis, keepDims);
  }
  max(axis?: number | readonly number[], keepDims = false): Tensor {
    return reduce.max(this, axis, keepDims);
  }
  min(axis?: number | readonly number[], keepDims = false): Tensor {
    return reduce.min(this, axis, keepDims);
  }
  argmax(axis = -1): Tensor {
    return reduce.argmax(this, axis);
  }
  argmin(axis = -1): Tensor {
    return reduce.argmin(this, axis);
  }
  logsumexp(axis?: number | readonly number[], keepDims = false): Tensor {
    return reduce.logsumexp(this, axis, keepDims);
  }
  matmul(other: Tensor, options?: MatMulOptions): Tensor {
    return matmul(this, other, options);
  }
  reshape(shape: readonly number[]): Tensor {
    return shapeOps.reshape(this, shape);
  }
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return shapeOps.flatten(this, startAxis, endAxis);
  }
  transpose(perm?: readonly number[]): Tensor {
    return shapeOps.transpose(this, perm);
  }
  /** Matrix transpose of the last two axes. */
  get T(): Tensor {
    return shapeOps.transpose(this);
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return shapeOps.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor {
    return shapeOps.unsqueeze(this, axis);
  }
  slice(begin: readonly number[], size?: readonly number[]): Tensor {
    return shapeOps.slice(this, begin, size);
  }
  broadcastTo(shape: Shape): Tensor {
    return shapeOps.broadcastTo(this, shape);
  }
  gather(indices: Tensor, axis = 0): Tensor {
    return shapeOps.gather(this, indices, axis);
  }
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return logSoftmax(this, axis);
  }
}

function nest(values: TypedArray, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return values[0];
  const build = (offset: number, axis: number): NestedArray[] => {
    const out: NestedArray[] = [];
    const stride = sizeOf(shape.slice(axis + 1));
    for (let i = 0; i < shape[axis]; i++) {
      const start = offset + i * stride;
      out.push(axis === shape.length - 1 ? values[start] : build(start, axis + 1));
    }
    return out;
  };
  return build(0, 0);
}
