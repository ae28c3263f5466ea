import {
  argmax,
  argmin,
  binary,
  broadcastTo,
  cast,
  concat,
  type DType,
  full,
  gather,
  logSoftmax,
  logSoftmaxComposite,
  matmul,
  max,
  min,
  pad,
  prod,
  scatterAdd,
  slice,
  softmax,
  softmaxComposite,
  sum,
  type Tensor,
  tensor,
  transpose,
  unary,
  where,
} from '@tessera/tensor';
import type { CaseDType, OpCall } from './types';

const REDUCERS = { sum, prod, max, min };

function concrete(dtype: CaseDType): DType {
  if (dtype === 'float')
    throw new TypeError("runOp: the call still has dtype 'float'; run an instance, not a case");
  return dtype;
}

/** Runs `call` on the active backend through the tensor-level op of its family. */
export function runOp(call: OpCall, inputs: readonly Tensor[]): Tensor {
  const [x, y, z] = inputs;
  switch (call.name) {
    case 'unary':
      return unary(call.op, x);
    case 'binary':
      return binary(call.op, x, y);
    case 'cast':
      return cast(x, concrete(call.dtype));
    case 'fill':
      return full(call.shape, call.value, concrete(call.dtype));
    case 'expand':
      return broadcastTo(x, call.shape);
    case 'reduce':
      return REDUCERS[call.op](x, call.axes, call.keepDims === true);
    case 'argReduce':
      return call.op === 'argmax' ? argmax(x, call.axis) : argmin(x, call.axis);
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
      return softmax(x, call.axis);
    case 'logSoftmax':
      return logSoftmax(x, call.axis);
    case 'softmaxComposite':
      return softmaxComposite(x, call.axis);
    case 'logSoftmaxComposite':
      return logSoftmaxComposite(x, call.axis);
  }
}

/** Copies float64 values into a new tensor of `dtype` on the active backend. */
export function makeTensor(values: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  switch (dtype) {
    case 'float32':
      return tensor(Float32Array.from(values), shape, dtype);
    case 'float64':
      return tensor(Float64Array.from(values), shape, dtype);
    case 'int32':
      return tensor(Int32Array.from(values), shape, dtype);
    case 'bool':
      return tensor(Uint8Array.from(values), shape, dtype);
  }
}
