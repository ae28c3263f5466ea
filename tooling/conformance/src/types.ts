import type { ArgReduceOp, BinaryOp, DType, ReduceOp, UnaryOp } from '@tessera/tensor';

/** The float dtypes a case can be instantiated with. */
export type FloatDType = 'float32' | 'float64';

/**
 * A dtype in a case. `float` is a placeholder: the runner makes one instance of the case per
 * float dtype (float32 and float64), replacing every `float` with that dtype.
 */
export type CaseDType = DType | 'float';

/**
 * Labels for what a case exercises beyond the plain path:
 * - `broadcast`: operands of different shapes;
 * - `empty`: a tensor with a zero-length axis;
 * - `size1`: rank-0 tensors or axes of length 1;
 * - `odd`: sizes that are not multiples of common tile and vector widths;
 * - `large`: large enough to cross tiling and workgroup boundaries;
 * - `nan-inf`: special values (NaN, ±Infinity, -0, tiny and huge magnitudes);
 * - `int`: int32 or bool values.
 */
export type Tag = 'broadcast' | 'empty' | 'size1' | 'odd' | 'large' | 'nan-inf' | 'int';

/**
 * The recipe the seeded generator fills an input with. Ranges are half-open, [low, high),
 * except for `integers`, which includes both ends.
 */
export type Generator =
  /** Uniform floats; default [-1, 1). */
  | { kind: 'uniform'; low?: number; high?: number }
  /** Uniform floats in [low, high) with low > 0; default [0.5, 2), for log, sqrt and the like. */
  | { kind: 'positive'; low?: number; high?: number }
  /** Magnitudes uniform in [min, max) with a random sign; default [0.1, 1). Keeps clear of 0. */
  | { kind: 'nonzero'; min?: number; max?: number }
  /**
   * Uniform floats in [low, high), default [-3, 3), at least 0.1 away from every integer and
   * half-integer. floor, ceil and round then have no jump within a finite-difference step.
   */
  | { kind: 'nonInteger'; low?: number; high?: number }
  /**
   * A shuffled grid with `spacing` between neighbours (default 0.05), centred on 0, so values
   * never tie and no two lie within a finite-difference step of each other (max, argmax).
   */
  | { kind: 'distinct'; spacing?: number }
  /**
   * Multiples of `step` (a power of two, default 1/16) in [low, high) (default [-1, 1)). Sums
   * and products of a few thousand such values are exact in float32, so large reductions and
   * matmuls can be compared exactly whatever order a backend adds in.
   */
  | { kind: 'dyadic'; step?: number; low?: number; high?: number }
  /** Uniform integers in [low, high], both ends included. */
  | { kind: 'integers'; low: number; high: number }
  /** true with `probability` (default 0.5). */
  | { kind: 'bool'; probability?: number }
  /** A seeded pick from `SPECIAL_VALUES` for every element. */
  | { kind: 'special' }
  /** Exactly these values in order, repeated when the input has more elements. */
  | { kind: 'values'; values: readonly number[] };

/** One input of a case. */
export interface InputSpec {
  readonly shape: readonly number[];
  readonly dtype: CaseDType;
  readonly generator: Generator;
}

/**
 * The op a case calls, with its attributes. Each `name` is a tensor-level op from
 * `@tessera/tensor` that dispatches the kernel of the same family. `reduce` runs `sum`, `prod`,
 * `max` or `min`, and the `*Composite` ops build softmax from primitive kernels.
 */
export type OpCall =
  | { readonly name: 'unary'; readonly op: UnaryOp }
  | { readonly name: 'binary'; readonly op: BinaryOp }
  | { readonly name: 'cast'; readonly dtype: CaseDType }
  | {
      readonly name: 'fill';
      readonly shape: readonly number[];
      readonly value: number;
      readonly dtype: CaseDType;
    }
  | { readonly name: 'expand'; readonly shape: readonly number[] }
  | {
      readonly name: 'reduce';
      readonly op: ReduceOp;
      /** Axes to reduce; all of them when omitted. */
      readonly axes?: readonly number[];
      readonly keepDims?: boolean;
    }
  | { readonly name: 'argReduce'; readonly op: ArgReduceOp; readonly axis: number }
  | { readonly name: 'matmul'; readonly transposeA?: boolean; readonly transposeB?: boolean }
  | { readonly name: 'transpose'; readonly perm: readonly number[] }
  | {
      readonly name: 'slice';
      readonly begin: readonly number[];
      /** Extent per axis, -1 for "to the end"; to the end of every axis when omitted. */
      readonly size?: readonly number[];
    }
  | { readonly name: 'concat'; readonly axis: number }
  | {
      readonly name: 'pad';
      readonly paddings: readonly (readonly [number, number])[];
      readonly value: number;
    }
  | { readonly name: 'where' }
  | { readonly name: 'gather'; readonly axis: number }
  | { readonly name: 'scatterAdd'; readonly axis: number; readonly shape: readonly number[] }
  | {
      readonly name: 'softmax' | 'logSoftmax' | 'softmaxComposite' | 'logSoftmaxComposite';
      readonly axis: number;
    };

export type OpName = OpCall['name'];

/** Comparison bounds for one float dtype: |actual - expected| <= atol + rtol * |expected|. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export type Tolerances = { readonly [D in FloatDType]?: Tolerance };

/** One conformance case: plain data that every backend runs. */
export interface ConformanceCase {
  /** Unique, `family/description`, such as `binary/add-broadcast`. */
  readonly id: string;
  readonly call: OpCall;
  readonly inputs: readonly InputSpec[];
  readonly tags: readonly Tag[];
  /** Forward tolerances by output dtype, replacing the defaults. int32 and bool are exact. */
  readonly tolerance?: Tolerances;
  /** Gradient tolerances by input dtype, replacing the defaults. */
  readonly gradientTolerance?: Tolerances;
  /**
   * The reason this case has no gradient check although its op is differentiable (for example,
   * ties that finite differences cannot resolve). The runner prints it in a skipped test.
   */
  readonly noGradient?: string;
}
