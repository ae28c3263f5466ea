import type { DType } from './dtype';
import type { Shape } from './shape';

/**
 * The kernel contract: every primitive a backend implements, with its inputs and attributes.
 *
 * The tensor layer validates shapes and dtypes, computes the output shape and dtype, and only
 * then calls a kernel, so a kernel trusts what it receives. Binary-style kernels (`Binary`,
 * `Where`, `Expand`) get inputs whose shapes broadcast to the output shape; all their inputs
 * except `Where`'s condition share one dtype.
 */

/** An opaque handle to a backend's buffer. Only the backend that made it looks inside. */
export type Storage = object;

/** A kernel's view of one input: its storage plus the validated shape and dtype. */
export interface KernelInput {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface KernelOutput {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  /**
   * Set only for `Unary` and `Binary` calls that update a tensor in place (`add_`, `exp_`):
   * the storage of the first input, which no other tensor reads and whose shape and dtype
   * match the output's. A backend may write the result into it and return it, or ignore it and
   * return a new storage (the engine then releases the old one).
   */
  readonly inPlace?: Storage;
}

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'isnan'
  | 'isfinite'
  | 'logicalNot';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'equal'
  | 'notEqual'
  | 'less'
  | 'lessEqual'
  | 'greater'
  | 'greaterEqual'
  | 'logicalAnd'
  | 'logicalOr';

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

export type ArgReduceOp = 'argmax' | 'argmin';

/** Primitive kernels: every backend implements all of them. */
export interface PrimitiveKernels {
  /** Elementwise math. `isnan`, `isfinite` and `logicalNot` output bool. */
  Unary: { inputs: [x: KernelInput]; attrs: { op: UnaryOp } };
  /** Elementwise math with broadcasting; comparisons and logical ops output bool. */
  Binary: { inputs: [a: KernelInput, b: KernelInput]; attrs: { op: BinaryOp } };
  /** Converts to `output.dtype`: float to int truncates toward zero, nonzero to bool is 1. */
  Cast: { inputs: [x: KernelInput]; attrs: Record<string, never> };
  /** A new buffer of `output.shape` with every element equal to `value`. */
  Fill: { inputs: []; attrs: { value: number } };
  /** Copies `x` broadcast to `output.shape`. */
  Expand: { inputs: [x: KernelInput]; attrs: Record<string, never> };
  /**
   * Reduces `axes` (sorted, unique) away; `output.shape` is the input shape without them.
   * An empty reduction gives the op's identity (0, 1, -Infinity, Infinity).
   */
  Reduce: { inputs: [x: KernelInput]; attrs: { op: ReduceOp; axes: readonly number[] } };
  /** Index (int32) of the first maximum or minimum along `axis`; NaN counts as the extreme. */
  ArgReduce: { inputs: [x: KernelInput]; attrs: { op: ArgReduceOp; axis: number } };
  /**
   * Batched matrix product. `a` is [...batchA, m, k] ([..., k, m] when transposed), `b` is
   * [...batchB, k, n] ([..., n, k] when transposed); batch axes broadcast to the output's.
   */
  MatMul: {
    inputs: [a: KernelInput, b: KernelInput];
    attrs: { transposeA: boolean; transposeB: boolean };
  };
  /** Permutes axes: output axis i is input axis `perm[i]`. */
  Transpose: { inputs: [x: KernelInput]; attrs: { perm: readonly number[] } };
  /** The box starting at `begin` with `output.shape` as its size. */
  Slice: { inputs: [x: KernelInput]; attrs: { begin: readonly number[] } };
  /** Joins inputs along `axis`; the inputs agree on every other axis. */
  Concat: { inputs: KernelInput[]; attrs: { axis: number } };
  /** Pads each axis with `paddings[i] = [before, after]` elements equal to `value`. */
  Pad: {
    inputs: [x: KernelInput];
    attrs: { paddings: readonly (readonly [number, number])[]; value: number };
  };
  /** Picks `a` where `condition` (bool) is true, else `b`, with broadcasting. */
  Where: {
    inputs: [condition: KernelInput, a: KernelInput, b: KernelInput];
    attrs: Record<string, never>;
  };
  /**
   * Picks slices of `x` along `axis` at `indices` (int32, already checked to be in range).
   * Output shape: x.shape[:axis] + indices.shape + x.shape[axis + 1:].
   */
  Gather: { inputs: [x: KernelInput, indices: KernelInput]; attrs: { axis: number } };
  /**
   * The adjoint of Gather: a zero tensor of `output.shape` into which each slice of `updates`
   * is added at its index along `axis`. Repeated indices accumulate.
   */
  ScatterAdd: { inputs: [updates: KernelInput, indices: KernelInput]; attrs: { axis: number } };
}

/**
 * Convolution and pooling geometry, shared by the forward and backward kernels. Tensors are
 * NCHW: input [N, C, H, W], convolution weight [O, C / groups, kH, kW].
 */
export interface Conv2DAttrs {
  readonly stride: readonly [number, number];
  /** Zero padding as [top, bottom, left, right]. */
  readonly padding: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

export interface Pool2DAttrs {
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Padding as [top, bottom, left, right]; padded cells never win a max and, unless
   * `countIncludePad`, do not count in an average. */
  readonly padding: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
}

/** Convolution and pooling kernels (NCHW). */
export interface ConvolutionKernels {
  /** Cross-correlation as PyTorch's conv2d: output [N, O, outH, outW]. */
  Conv2D: { inputs: [x: KernelInput, weight: KernelInput]; attrs: Conv2DAttrs };
  /** Gradient of Conv2D with respect to x: output has x's shape (given as `output.shape`). */
  Conv2DBackpropInput: { inputs: [dy: KernelInput, weight: KernelInput]; attrs: Conv2DAttrs };
  /** Gradient of Conv2D with respect to the weight: output has the weight's shape. */
  Conv2DBackpropFilter: { inputs: [x: KernelInput, dy: KernelInput]; attrs: Conv2DAttrs };
  /** Maximum over each window; NaN propagates. Output [N, C, outH, outW]. */
  MaxPool2D: { inputs: [x: KernelInput]; attrs: Pool2DAttrs };
  /**
   * Gradient of MaxPool2D: each window's `dy` goes to the first position holding the window's
   * maximum (as PyTorch); contributions of overlapping windows add up. Output has x's shape.
   */
  MaxPool2DBackward: { inputs: [dy: KernelInput, x: KernelInput]; attrs: Pool2DAttrs };
  /** Mean over each window. */
  AvgPool2D: { inputs: [x: KernelInput]; attrs: Pool2DAttrs & { countIncludePad: boolean } };
  /** Gradient of AvgPool2D: each window's `dy` spread evenly over its cells. */
  AvgPool2DBackward: {
    inputs: [dy: KernelInput];
    attrs: Pool2DAttrs & { countIncludePad: boolean };
  };
}

/** Fused kernels: optional. The tensor layer composes primitives when a backend lacks one. */
export interface FusedKernels {
  /** Softmax along `axis`, shifted by the maximum so large inputs do not overflow. */
  Softmax: { inputs: [x: KernelInput]; attrs: { axis: number } };
  /** Log-softmax along `axis` in the stable form x - max - log(sum(exp(x - max))). */
  LogSoftmax: { inputs: [x: KernelInput]; attrs: { axis: number } };
}

export type Kernels = PrimitiveKernels & ConvolutionKernels & FusedKernels;
export type KernelName = keyof Kernels;
export type PrimitiveKernelName = keyof PrimitiveKernels;
export type FusedKernelName = keyof FusedKernels;
export type ConvolutionKernelName = keyof ConvolutionKernels;

export type KernelInputs<K extends KernelName> = Kernels[K]['inputs'];
export type KernelAttrs<K extends KernelName> = Kernels[K]['attrs'];

export interface KernelCall<K extends KernelName> {
  readonly inputs: KernelInputs<K>;
  readonly attrs: KernelAttrs<K>;
  readonly output: KernelOutput;
}

/** A backend's implementation of one kernel. It returns the new output storage. */
export type KernelFunction<K extends KernelName> = (call: KernelCall<K>) => Storage;

/** One backend's kernels: every primitive, and the fused kernels it chooses to provide. */
export type KernelTable = {
  [K in PrimitiveKernelName | ConvolutionKernelName]: KernelFunction<K>;
} & {
  [K in FusedKernelName]?: KernelFunction<K>;
};

/**
 * The op names autograd's tape records: every kernel, plus `Reshape`, which shares storage
 * instead of running a kernel but still needs a gradient rule.
 */
export type RecordedOpName = KernelName | 'Reshape';

export const PRIMITIVE_KERNEL_NAMES: readonly PrimitiveKernelName[] = [
  'Unary',
  'Binary',
  'Cast',
  'Fill',
  'Expand',
  'Reduce',
  'ArgReduce',
  'MatMul',
  'Transpose',
  'Slice',
  'Concat',
  'Pad',
  'Where',
  'Gather',
  'ScatterAdd',
] satisfies readonly PrimitiveKernelName[];

export const CONVOLUTION_KERNEL_NAMES: readonly ConvolutionKernelName[] = [
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'MaxPool2D',
  'MaxPool2DBackward',
  'AvgPool2D',
  'AvgPool2DBackward',
];

export const FUSED_KERNEL_NAMES: readonly FusedKernelName[] = ['Softmax', 'LogSoftmax'];
