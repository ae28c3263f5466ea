import type { DType } from '@tessera/tensor';
import { matmulPlan } from './dtype-rules';
import {
  broadcastShapes,
  broadcastSource,
  castTensor,
  mulInt32,
  type RefTensor,
  sizeOf,
  unravel,
  wrapInt32,
} from './tensor';

export interface MatMulFlags {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/** One operand as a batch of matrices: a 1-D `a` is a row, a 1-D `b` a column. */
interface Operand {
  readonly data: Float64Array;
  readonly batch: readonly number[];
  readonly rows: number;
  readonly cols: number;
  readonly transposed: boolean;
}

function operand(
  x: RefTensor,
  dtype: DType,
  isA: boolean,
  transpose: boolean | undefined,
): Operand {
  let shape = x.shape;
  if (x.shape.length === 1) shape = isA ? [1, x.shape[0]] : [x.shape[0], 1];
  return {
    data: castTensor(x, dtype).data,
    batch: shape.slice(0, -2),
    rows: shape[shape.length - 2],
    cols: shape[shape.length - 1],
    // Transpose flags do not apply to a 1-D operand.
    transposed: x.shape.length > 1 && transpose === true,
  };
}

/** Element (i, j) of the operand's matrix at `base`, after its transpose flag. */
function at(x: Operand, base: number, i: number, j: number): number {
  return x.data[base + (x.transposed ? j * x.cols + i : i * x.cols + j)];
}

/**
 * PyTorch's `matmul`: batch axes broadcast, a 1-D `a` is a row vector and a 1-D `b` a column
 * vector (the added axis is dropped from the result). int32 products and sums wrap as int32
 * arithmetic does.
 */
export function matmul(a: RefTensor, b: RefTensor, flags: MatMulFlags): RefTensor {
  const plan = matmulPlan(a.dtype, b.dtype);
  const isInt = plan.compute === 'int32';
  const left = operand(a, plan.compute, true, flags.transposeA);
  const right = operand(b, plan.compute, false, flags.transposeB);
  const [m, k] = left.transposed ? [left.cols, left.rows] : [left.rows, left.cols];
  const n = right.transposed ? right.rows : right.cols;
  const batch = broadcastShapes(left.batch, right.batch);
  const data = new Float64Array(sizeOf(batch) * m * n);
  for (let t = 0; t < sizeOf(batch); t++) {
    const batchIndex = unravel(t, batch);
    const aBase = broadcastSource(batchIndex, left.batch) * left.rows * left.cols;
    const bBase = broadcastSource(batchIndex, right.batch) * right.rows * right.cols;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = at(left, aBase, i, p);
          const bv = at(right, bBase, p, j);
          // Each wrapped int32 product is below 2^31, so k of them sum exactly in float64.
          sum += isInt ? mulInt32(av, bv) : av * bv;
        }
        data[(t * m + i) * n + j] = isInt ? wrapInt32(sum) : sum;
      }
    }
  }
  const shape = [...batch];
  if (a.shape.length > 1) shape.push(m);
  if (b.shape.length > 1) shape.push(n);
  return { shape, dtype: plan.output, data };
}
