import { isFloatDType, promoteDTypes } from '../dtype';
import { ENGINE } from '../engine';
import { DTypeError, formatShape, ShapeError } from '../errors';
import { broadcastShapes } from '../shape';
import type { Tensor } from '../tensor';
import { cast } from './elementwise';
import { reshape } from './shape-ops';

export interface MatMulOptions {
  /** Use the transpose of `a`'s last two axes. */
  transposeA?: boolean;
  /** Use the transpose of `b`'s last two axes. */
  transposeB?: boolean;
}

/**
 * Matrix product with PyTorch's `matmul` rules: batch axes broadcast, a 1-D `a` is a row
 * vector and a 1-D `b` a column vector (the added axis is removed from the result).
 *
 * @example
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * matmul(x, x, { transposeA: true }); // [[17,22,27],[22,29,36],[27,36,45]]
 */
export function matmul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  a.throwIfDisposed('matmul');
  b.throwIfDisposed('matmul');
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      `matmul: both operands need at least 1 dimension, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  if (a.dtype === 'bool' || b.dtype === 'bool') {
    throw new DTypeError(`matmul: bool operands are not supported (got ${a.dtype} and ${b.dtype})`);
  }
  return ENGINE.composite([a, b], () => {
    const left = a.rank === 1 ? reshape(a, [1, a.shape[0]]) : a;
    const right = b.rank === 1 ? reshape(b, [b.shape[0], 1]) : b;
    const transposeA = a.rank > 1 && options.transposeA === true;
    const transposeB = b.rank > 1 && options.transposeB === true;
    const result = matmul2d(left, right, transposeA, transposeB, a, b);
    if (a.rank > 1 && b.rank > 1) return result;
    const shape = result.shape.slice(0, -2);
    if (a.rank > 1) shape.push(result.shape[result.rank - 2]);
    if (b.rank > 1) shape.push(result.shape[result.rank - 1]);
    return reshape(result, shape);
  });
}

function matmul2d(
  a: Tensor,
  b: Tensor,
  transposeA: boolean,
  transposeB: boolean,
  origA: Tensor,
  origB: Tensor,
): Tensor {
  const [m, k] = transposeA
    ? [a.shape[a.rank - 1], a.shape[a.rank - 2]]
    : [a.shape[a.rank - 2], a.shape[a.rank - 1]];
  const [kB, n] = transposeB
    ? [b.shape[b.rank - 1], b.shape[b.rank - 2]]
    : [b.shape[b.rank - 2], b.shape[b.rank - 1]];
  if (k !== kB) {
    const flags =
      transposeA || transposeB ? ` (transposeA=${transposeA}, transposeB=${transposeB})` : '';
    throw new ShapeError(
      `matmul: shapes ${formatShape(origA.shape)} and ${formatShape(origB.shape)} are incompatible${flags}: ` +
        `inner dimensions ${k} and ${kB} differ`,
    );
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  let dtype = promoteDTypes(a.dtype, b.dtype);
  if (!isFloatDType(dtype) && dtype !== 'int32') dtype = 'float32';
  const inputs = [cast(a, dtype), cast(b, dtype)];
  return ENGINE.runKernel(
    'MatMul',
    inputs,
    { transposeA, transposeB },
    { shape: [...batch, m, n], dtype },
  );
}
