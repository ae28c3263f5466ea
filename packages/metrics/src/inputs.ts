import { formatShape, ShapeError, type Tensor, ValueError } from '@tessera/tensor';
import { checkArrayLike, isTensorLike } from './validate';

/** True labels: class ids in an array, a typed array, or a Tensor of shape [n]. */
export type LabelInput = ArrayLike<number> | Tensor;

/**
 * Predictions: class ids of shape [n], or scores (logits or probabilities) of shape
 * [n, numClasses] as a Tensor or an array of rows, reduced to class ids with argmax.
 */
export type PredictionInput = ArrayLike<number> | readonly ArrayLike<number>[] | Tensor;

/** Reads true labels to the host. A Tensor must have shape [n]. */
export async function readLabelInput(
  fn: string,
  name: string,
  input: LabelInput,
): Promise<ArrayLike<number>> {
  if (!isTensorLike(input)) {
    checkArrayLike(fn, name, input);
    return input as ArrayLike<number>;
  }
  const tensor = input as Tensor;
  if (tensor.rank !== 1) {
    throw new ShapeError(
      `${fn}: ${name} has shape ${formatShape(tensor.shape)}; pass class ids of shape [n]`,
    );
  }
  return tensor.data();
}

/**
 * Reads predictions to the host as class ids. Scores of shape [n, numClasses] are reduced with
 * argmax over each row; ties go to the lowest class id, as in NumPy and PyTorch.
 */
export async function readPredictionInput(
  fn: string,
  input: PredictionInput,
  numClasses: number,
): Promise<ArrayLike<number>> {
  if (isTensorLike(input)) {
    const tensor = input as Tensor;
    if (tensor.rank === 1) return tensor.data();
    checkScoreShape(fn, tensor.shape, numClasses);
    return argmaxRows(fn, await tensor.data(), tensor.shape[0], numClasses);
  }

  checkArrayLike(fn, 'yPred', input);
  const values = input as ArrayLike<number> | readonly ArrayLike<number>[];
  if (values.length === 0 || typeof values[0] !== 'object') return values as ArrayLike<number>;

  const rows = values as readonly ArrayLike<number>[];
  const flat = new Float64Array(rows.length * numClasses);
  rows.forEach((row, i) => {
    if (row?.length !== numClasses) {
      throw new ShapeError(
        `${fn}: yPred[${i}] has ${String(row?.length)} scores but numClasses is ${numClasses}; ` +
          'pass one score per class in every row',
      );
    }
    for (let j = 0; j < numClasses; j++) flat[i * numClasses + j] = row[j];
  });
  return argmaxRows(fn, flat, rows.length, numClasses);
}

function checkScoreShape(fn: string, shape: readonly number[], numClasses: number): void {
  if (shape.length !== 2 || shape[1] !== numClasses) {
    throw new ShapeError(
      `${fn}: yPred has shape ${formatShape(shape)} but numClasses is ${numClasses}; ` +
        `pass scores of shape [n, ${numClasses}] or class ids of shape [n]`,
    );
  }
}

/** Returns the column of the maximum of each row of a row-major [rowCount, numClasses] matrix. */
function argmaxRows(
  fn: string,
  scores: ArrayLike<number>,
  rowCount: number,
  numClasses: number,
): Int32Array {
  const classIds = new Int32Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const offset = row * numClasses;
    let best = 0;
    for (let column = 0; column < numClasses; column++) {
      const score = scores[offset + column];
      if (Number.isNaN(score)) {
        throw new ValueError(`${fn}: yPred row ${row} contains NaN; argmax is undefined`);
      }
      if (score > scores[offset + best]) best = column;
    }
    classIds[row] = best;
  }
  return classIds;
}
