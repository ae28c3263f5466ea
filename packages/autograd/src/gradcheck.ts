import { allocArray, Random, type Tensor, TesseraError, tensor, tidy } from '@tessera/tensor';
import { grads } from './gradients';
import { noGrad } from './tape';

export interface GradCheckOptions {
  /** Step of the central difference. Default 1e-6 for float64 inputs, 1e-2 for float32. */
  eps?: number;
  /** Absolute tolerance. Default 1e-6 for float64, 1e-2 for float32. */
  atol?: number;
  /** Relative tolerance. Default 1e-5 for float64, 1e-2 for float32. */
  rtol?: number;
  /** Seed of the random weights that reduce a non-scalar output to a scalar. */
  seed?: number;
}

/** A gradient that disagrees with its finite-difference estimate. */
export class GradCheckError extends TesseraError {
  override name = 'GradCheckError';
}

/**
 * Compares the gradients autograd computes for `fn` at `inputs` with central finite
 * differences, and throws a `GradCheckError` naming the first element that disagrees. A
 * non-scalar output is reduced with fixed random weights, so every output element counts.
 * Use float64 inputs where the backend supports them.
 *
 * @example
 * const x = tensor([0.5, -1.2], [2], 'float64');
 * await checkGradients((t) => t.tanh(), [x]);
 */
export async function checkGradients(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradCheckOptions = {},
): Promise<void> {
  const precise = inputs.every((t) => t.dtype === 'float64');
  const eps = options.eps ?? (precise ? 1e-6 : 1e-2);
  const atol = options.atol ?? (precise ? 1e-6 : 1e-2);
  const rtol = options.rtol ?? (precise ? 1e-5 : 1e-2);
  const probe = noGrad(() => fn(...inputs));
  const outputShape = probe.shape;
  const outputDtype = probe.dtype;
  probe.dispose();
  const random = new Random(options.seed ?? 0);
  const weightValues = allocArray(
    outputDtype,
    outputShape.reduce((a, b) => a * b, 1),
  );
  for (let i = 0; i < weightValues.length; i++) weightValues[i] = random.uniform() * 2 - 1;
  const weights = tensor(weightValues, outputShape, outputDtype);
  const objective = (...xs: Tensor[]): Tensor =>
    fn(...xs)
      .mul(weights)
      .sum();
  try {
    const analytic = grads(objective)(inputs);
    const analyticValues = await Promise.all(analytic.map((g) => g.data()));
    for (const g of analytic) g.dispose();
    for (let i = 0; i < inputs.length; i++) {
      await compareInput(objective, inputs, i, analyticValues[i], { eps, atol, rtol });
    }
  } finally {
    weights.dispose();
  }
}

async function compareInput(
  objective: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  index: number,
  analytic: ArrayLike<number>,
  tolerance: { eps: number; atol: number; rtol: number },
): Promise<void> {
  const input = inputs[index];
  const base = await input.data();
  const evaluate = async (position: number, delta: number): Promise<number> => {
    const shifted = base.slice();
    shifted[position] += delta;
    const value = tidy(() => {
      const moved = tensor(shifted, input.shape, input.dtype);
      const args = inputs.map((t, j) => (j === index ? moved : t));
      return noGrad(() => objective(...args));
    });
    const result = await value.item();
    value.dispose();
    return result;
  };
  for (let j = 0; j < base.length; j++) {
    const numeric =
      ((await evaluate(j, tolerance.eps)) - (await evaluate(j, -tolerance.eps))) /
      (2 * tolerance.eps);
    const error = Math.abs(analytic[j] - numeric);
    if (!(error <= tolerance.atol + tolerance.rtol * Math.abs(numeric))) {
      throw new GradCheckError(
        `checkGradients: input ${index}, element ${j}: autograd gives ${analytic[j]}, ` +
          `finite differences give ${numeric} (error ${error}, eps ${tolerance.eps})`,
      );
    }
  }
}
