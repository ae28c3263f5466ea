import {
  cast,
  gather,
  isFloatDType,
  matmul,
  pad,
  scatterAdd,
  slice,
  type Tensor,
  transpose,
} from '@tessera/tensor';
import { sumToShape } from '../reduce-to';
import type { GradRule } from './types';

export const reshapeRule: GradRule<'Reshape'> = ({ inputs }, dy) => [dy.reshape(inputs[0].shape)];

export const castRule: GradRule<'Cast'> = ({ inputs }, dy) => {
  const x = inputs[0];
  return [isFloatDType(x.dtype) ? cast(dy, x.dtype) : null];
};

export const fillRule: GradRule<'Fill'> = () => [];

export const expandRule: GradRule<'Expand'> = ({ inputs }, dy) => [sumToShape(dy, inputs[0].shape)];

export const argReduceRule: GradRule<'ArgReduce'> = () => [null];

export const matMulRule: GradRule<'MatMul'> = ({ inputs, attrs }, dy) => {
  const [a, b] = inputs;
  const { transposeA, transposeB } = attrs;
  let gradA: Tensor;
  let gradB: Tensor;
  if (!transposeA && !transposeB) {
    gradA = matmul(dy, b, { transposeB: true });
    gradB = matmul(a, dy, { transposeA: true });
  } else if (transposeA && !transposeB) {
    gradA = matmul(b, dy, { transposeB: true });
    gradB = matmul(a, dy);
  } else if (!transposeA && transposeB) {
    gradA = matmul(dy, b);
    gradB = matmul(dy, a, { transposeA: true });
  } else {
    gradA = matmul(b, dy, { transposeA: true, transposeB: true });
    gradB = matmul(dy, a, { transposeA: true, transposeB: true });
  }
  return [sumToShape(gradA, a.shape), sumToShape(gradB, b.shape)];
};

export const transposeRule: GradRule<'Transpose'> = ({ attrs }, dy) => {
  const inverse = new Array<number>(attrs.perm.length);
  attrs.perm.forEach((axis, i) => {
    inverse[axis] = i;
  });
  return [transpose(dy, inverse)];
};

export const sliceRule: GradRule<'Slice'> = ({ inputs, attrs, output }, dy) => {
  const x = inputs[0];
  const paddings = x.shape.map(
    (d, i) => [attrs.begin[i], d - attrs.begin[i] - output.shape[i]] as [number, number],
  );
  return [pad(dy, paddings)];
};

export const concatRule: GradRule<'Concat'> = ({ inputs, attrs }, dy) => {
  let offset = 0;
  return inputs.map((input) => {
    const begin = input.shape.map((_, i) => (i === attrs.axis ? offset : 0));
    offset += input.shape[attrs.axis];
    return slice(dy, begin, input.shape);
  });
};

export const padRule: GradRule<'Pad'> = ({ inputs, attrs }, dy) => [
  slice(
    dy,
    attrs.paddings.map(([before]) => before),
    inputs[0].shape,
  ),
];

export const gatherRule: GradRule<'Gather'> = ({ inputs, attrs }, dy) => {
  const [x, indices] = inputs;
  return [scatterAdd(dy, indices, attrs.axis, x.shape), null];
};

export const scatterAddRule: GradRule<'ScatterAdd'> = ({ inputs, attrs }, dy) => [
  gather(dy, inputs[1], attrs.axis),
  null,
];

export const softmaxRule: GradRule<'Softmax'> = ({ attrs, output }, dy) => [
  output.mul(dy.sub(dy.mul(output).sum(attrs.axis, true))),
];

export const logSoftmaxRule: GradRule<'LogSoftmax'> = ({ attrs, output }, dy) => [
  dy.sub(output.exp().mul(dy.sum(attrs.axis, true))),
];
