import { grads } from '@tessera/autograd';
import type { DType, Tensor, TypedArray } from '@tessera/tensor';
import { runOp } from './execute';
import { type CaseInstance, floatInputPositions } from './instances';
import { evaluate, type RefTensor } from './reference';
import type { OpCall } from './types';

const widen = (dtype: DType): DType => (dtype === 'float32' ? 'float64' : dtype);

/**
 * Returns the call with float32 replaced by float64, so finite differences see the exact
 * function rather than float32 rounding steps (a float64-to-float32 cast becomes the identity).
 */
function widenCall(call: OpCall): OpCall {
  if (call.name !== 'cast' && call.name !== 'fill') return call;
  return { ...call, dtype: call.dtype === 'float' ? call.dtype : widen(call.dtype) };
}

/**
 * Returns Σ weights[i] · (above[i] - below[i]). Subtracting per element first lets every
 * output that does not depend on the perturbed input cancel exactly, so large unrelated
 * outputs add no rounding error to the difference.
 */
function weightedDifference(above: Float64Array, below: Float64Array, weights: Float64Array) {
  let total = 0;
  for (let i = 0; i < above.length; i++) total += weights[i] * (above[i] - below[i]);
  return total;
}

/**
 * Computes central finite differences of Σ weights · reference(inputs) with respect to every
 * float input, on the float64 reference only, so no backend is involved. The step is 1e-6
 * relative to each element's magnitude (at least 1e-6).
 */
export function finiteDifferenceGradients(
  instance: CaseInstance,
  inputs: readonly RefTensor[],
  weights: Float64Array,
): Float64Array[] {
  const call = widenCall(instance.call);
  const widened = inputs.map((t) => ({ ...t, dtype: widen(t.dtype), data: t.data.slice() }));
  return floatInputPositions(instance).map((position) => {
    const x = widened[position].data;
    const gradient = new Float64Array(x.length);
    for (let e = 0; e < x.length; e++) {
      const original = x[e];
      const step = 1e-6 * Math.max(1, Math.abs(original));
      x[e] = original + step;
      const above = evaluate(call, widened).data;
      x[e] = original - step;
      const below = evaluate(call, widened).data;
      x[e] = original;
      gradient[e] = weightedDifference(above, below, weights) / (2 * step);
    }
    return gradient;
  });
}

/**
 * Computes, with autograd on the backend, the gradients of sum(op(inputs) * weights) with
 * respect to every float input. Reads them back and disposes them.
 */
export async function backendGradients(
  instance: CaseInstance,
  tensors: readonly Tensor[],
  weights: Tensor,
): Promise<{ shape: readonly number[]; dtype: DType; values: TypedArray }[]> {
  const positions = floatInputPositions(instance);
  const weightedSum = (...sources: Tensor[]): Tensor => {
    const args = [...tensors];
    positions.forEach((position, k) => {
      args[position] = sources[k];
    });
    return runOp(instance.call, args).mul(weights).sum();
  };
  const gradients = grads(weightedSum)(positions.map((position) => tensors[position]));
  try {
    const values = await Promise.all(gradients.map((g) => g.data()));
    return gradients.map((g, k) => ({ shape: g.shape, dtype: g.dtype, values: values[k] }));
  } finally {
    for (const g of gradients) g.dispose();
  }
}
