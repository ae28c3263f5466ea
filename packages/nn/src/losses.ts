import { customGrad } from '@tessera/autograd';
import {
  arange,
  DTypeError,
  ENGINE,
  formatShape,
  gather,
  isFloatDType,
  maximum,
  ShapeError,
  shapesEqual,
  type Tensor,
  ValueError,
} from '@tessera/tensor';

export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  /** The reduction of per-element losses (default 'mean'). */
  reduction?: Reduction;
}

function reduce(loss: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.mean();
  throw new ValueError(`loss: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
}

function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(
      `${op}: input of shape ${formatShape(input.shape)} and target of shape ${formatShape(target.shape)} differ`,
    );
  }
}

function checkFloat(op: string, name: string, t: Tensor): void {
  if (!isFloatDType(t.dtype))
    throw new DTypeError(`${op}: ${name} must be a float tensor, got ${t.dtype}`);
}

/**
 * Softmax cross-entropy from raw logits [N, C] and int32 class labels [N], computed through
 * log-softmax so large logits stay finite (as PyTorch's `F.cross_entropy`).
 *
 * @example
 * const loss = crossEntropy(model.forward(x), y); // y: int32 [N]
 */
export function crossEntropy(logits: Tensor, labels: Tensor, options: LossOptions = {}): Tensor {
  checkFloat('crossEntropy', 'logits', logits);
  if (logits.rank !== 2) {
    throw new ShapeError(
      `crossEntropy: logits must have shape [N, C], got ${formatShape(logits.shape)}`,
    );
  }
  if (labels.dtype !== 'int32') {
    throw new DTypeError(`crossEntropy: labels must be int32 class indices, got ${labels.dtype}`);
  }
  const [n, classes] = logits.shape;
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new ShapeError(
      `crossEntropy: labels of shape ${formatShape(labels.shape)} do not match logits ${formatShape(logits.shape)}; expected [${n}]`,
    );
  }
  if (labels.backend.readSync !== undefined) {
    for (const label of labels.dataSync()) {
      if (label < 0 || label >= classes) {
        throw new ValueError(`crossEntropy: label ${label} is out of range for ${classes} classes`);
      }
    }
  }
  return ENGINE.composite([logits], () => {
    // Pick logProbs[i, labels[i]] from the flattened matrix at i * C + labels[i].
    const flatIndex = arange(0, n * classes, classes).add(labels);
    const picked = gather(logits.logSoftmax(1).reshape([-1]), flatIndex);
    return reduce(picked.neg(), options.reduction);
  });
}

/**
 * Binary cross-entropy from logits, in the stable form max(x, 0) - x t + log(1 + exp(-|x|))
 * (as PyTorch's `binary_cross_entropy_with_logits`).
 */
export function bceWithLogits(logits: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  checkFloat('bceWithLogits', 'logits', logits);
  checkSameShape('bceWithLogits', logits, targets);
  return ENGINE.composite([logits, targets], () => {
    const t = targets.cast(logits.dtype);
    // maximum(x, 0) rather than relu: its gradient at 0 is 1/2, which makes the total
    // gradient sigmoid(0) - t exactly.
    const softplus = logits.abs().neg().exp().add(1).log();
    const loss = maximum(logits, 0).sub(logits.mul(t)).add(softplus);
    return reduce(loss, options.reduction);
  });
}

const LOG_FLOOR = -100;

const bcePerElement = customGrad('bce', (p: Tensor, t: Tensor) => {
  const logP = p.log().maximum(LOG_FLOOR);
  const log1mP = p.neg().add(1).log().maximum(LOG_FLOOR);
  const value = t.mul(logP).add(t.neg().add(1).mul(log1mP)).neg();
  return {
    value,
    // PyTorch's form: (p - t) / max(p (1 - p), 1e-12), finite even at p = 0 and p = 1.
    gradient: (dy) => [
      dy.mul(p.sub(t)).div(p.mul(p.neg().add(1)).maximum(1e-12)),
      dy.mul(log1mP.sub(logP)),
    ],
  };
});

/**
 * Binary cross-entropy of probabilities `p` in [0, 1] against targets, with each log term
 * clamped at -100 as PyTorch does, so p = 0 or 1 gives a finite loss and gradient.
 *
 * @example
 * bce(tensor([1, 0, 1, 0, 0.5]), tensor([1, 0, 0, 1, 1]), { reduction: 'none' });
 * // [0, 0, 100, 100, 0.693147]
 */
export function bce(probabilities: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  checkFloat('bce', 'probabilities', probabilities);
  checkSameShape('bce', probabilities, targets);
  if (probabilities.backend.readSync !== undefined) {
    for (const p of probabilities.dataSync()) {
      if (!(p >= 0 && p <= 1)) {
        throw new ValueError(`bce: every probability must be in [0, 1], got ${p}`);
      }
    }
  }
  return ENGINE.composite([probabilities, targets], () => {
    const loss = bcePerElement(probabilities, targets.cast(probabilities.dtype));
    return reduce(loss, options.reduction);
  });
}

/** Mean squared error (or the sum, or per element, by `reduction`). */
export function mse(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkFloat('mse', 'input', input);
  checkSameShape('mse', input, target);
  return ENGINE.composite([input, target], () =>
    reduce(input.sub(target).square(), options.reduction),
  );
}
