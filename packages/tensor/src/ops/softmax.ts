import { isFloatDType } from '../dtype';
import { ENGINE } from '../engine';
import { DTypeError } from '../errors';
import { normalizeAxis } from '../shape';
import type { Tensor } from '../tensor';
import { logsumexp, max } from './reduce';

function checkFloat(op: string, x: Tensor): void {
  if (!isFloatDType(x.dtype))
    throw new DTypeError(`${op}: input must be a float tensor, got ${x.dtype}`);
}

/**
 * Softmax along `axis`, computed as exp(x - max) / sum(exp(x - max)) so large logits do not
 * overflow. Uses the backend's fused kernel when it has one.
 *
 * @example
 * softmax(tensor([[90, 89, 88]])); // [[0.665241, 0.244728, 0.090031]]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkFloat('softmax', x);
  const resolved = normalizeAxis('softmax', axis, x.rank);
  if (ENGINE.hasKernel('Softmax', [x])) {
    return ENGINE.runKernel('Softmax', [x], { axis: resolved }, { shape: x.shape, dtype: x.dtype });
  }
  return softmaxComposite(x, resolved);
}

/** Softmax from primitive kernels, used when a backend has no fused Softmax. */
export function softmaxComposite(x: Tensor, axis: number): Tensor {
  return ENGINE.composite([x], () => {
    const shifted = x.sub(max(x, axis, true)).exp();
    return shifted.div(shifted.sum(axis, true));
  });
}

/** log(softmax(x)) along `axis`, in the stable form x - logsumexp(x). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkFloat('logSoftmax', x);
  const resolved = normalizeAxis('logSoftmax', axis, x.rank);
  if (ENGINE.hasKernel('LogSoftmax', [x])) {
    return ENGINE.runKernel(
      'LogSoftmax',
      [x],
      { axis: resolved },
      { shape: x.shape, dtype: x.dtype },
    );
  }
  return logSoftmaxComposite(x, resolved);
}

/** Log-softmax from primitive kernels, used when a backend has no fused LogSoftmax. */
export function logSoftmaxComposite(x: Tensor, axis: number): Tensor {
  return ENGINE.composite([x], () => x.sub(logsumexp(x, axis, true)));
}
