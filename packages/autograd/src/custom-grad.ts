import { type Tensor, ValueError } from '@tessera/tensor';
import { type CustomGradFunction, isRecording, noGrad, recordCustom } from './tape';

export interface CustomGradResult {
  value: Tensor;
  /** The gradient of each input, given the gradient of `value`. */
  gradient: CustomGradFunction;
}

/**
 * Defines an op with its own gradient: the forward pass runs without recording, and backward
 * calls `gradient` instead of differentiating the forward ops. Use it where the composed
 * gradient would be unstable (a clamped log, for example).
 *
 * @example
 * const square = customGrad('square', (x) => ({
 *   value: x.mul(x),
 *   gradient: (dy) => [dy.mul(x).mul(2)],
 * }));
 */
export function customGrad(
  name: string,
  fn: (...inputs: Tensor[]) => CustomGradResult,
): (...inputs: Tensor[]) => Tensor {
  return (...inputs) => {
    const recording = isRecording();
    const { value, gradient } = noGrad(() => fn(...inputs));
    if (inputs.includes(value)) {
      throw new ValueError(
        `customGrad '${name}': the value must be a new tensor, not one of the inputs`,
      );
    }
    if (recording && inputs.some((t) => t.requiresGrad)) {
      value.requiresGrad = true;
      recordCustom({ kernel: 'Custom', name, inputs, attrs: {}, output: value, custom: gradient });
    }
    return value;
  };
}
