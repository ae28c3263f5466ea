import type { DType } from '@tessera/tensor';
import type { CaseDType, OpCall } from '../types';
import { binary, cast, expand, fill, unary, where } from './elementwise';
import { gather, scatterAdd } from './indexing';
import { concat, pad, slice, transpose } from './layout';
import { matmul } from './mat-mul';
import { argReduce, reduce } from './reduce';
import { logSoftmax, softmax } from './softmax';
import type { RefTensor } from './tensor';

export { type RefTensor, roundOutput } from './tensor';

function concrete(dtype: CaseDType): DType {
  if (dtype === 'float')
    throw new TypeError(
      "evaluate: the call still has dtype 'float'; evaluate an instance, not a case",
    );
  return dtype;
}

/**
 * Computes the expected output of `call` on `inputs` in float64, before float32 rounding
 * (apply `roundOutput` to compare with a backend). Every value comes from plain loops in this
 * folder.
 */
export function evaluate(call: OpCall, inputs: readonly RefTensor[]): RefTensor {
  const [x, y, z] = inputs;
  switch (call.name) {
    case 'unary':
      return unary(call.op, x);
    case 'binary':
      return binary(call.op, x, y);
    case 'cast':
      return cast(x, concrete(call.dtype));
    case 'fill':
      return fill(call.shape, call.value, concrete(call.dtype));
    case 'expand':
      return expand(x, call.shape);
    case 'reduce':
      return reduce(call.op, x, call.axes, call.keepDims === true);
    case 'argReduce':
      return argReduce(call.op, x, call.axis);
    case 'matmul':
      return matmul(x, y, call);
    case 'transpose':
      return transpose(x, call.perm);
    case 'slice':
      return slice(x, call.begin, call.size);
    case 'concat':
      return concat(inputs, call.axis);
    case 'pad':
      return pad(x, call.paddings, call.value);
    case 'where':
      return where(x, y, z);
    case 'gather':
      return gather(x, y, call.axis);
    case 'scatterAdd':
      return scatterAdd(x, y, call.axis, call.shape);
    case 'softmax':
    case 'softmaxComposite':
      return softmax(x, call.axis);
    case 'logSoftmax':
    case 'logSoftmaxComposite':
      return logSoftmax(x, call.axis);
  }
}
