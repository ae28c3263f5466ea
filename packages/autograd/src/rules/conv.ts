import {
  avgPool2dBackward,
  avgPool2dWithAttrs,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dWithAttrs,
  maxPool2dBackward,
  ValueError,
} from '@tessera/tensor';
import type { GradRule } from './types';

// Each side is computed only when that input takes a gradient: the first layer's input is
// usually the data batch, whose gradient would cost a whole convolution per step.
export const conv2dRule: GradRule<'Conv2D'> = ({ inputs, attrs }, dy) => {
  const [x, weight] = inputs;
  return [
    x.requiresGrad ? conv2dBackpropInput(dy, weight, x.shape, attrs) : null,
    weight.requiresGrad ? conv2dBackpropFilter(x, dy, weight.shape, attrs) : null,
  ];
};

// The backward kernels are linear in each input, so their gradients are the other two
// convolution kernels (needed for second derivatives, such as gradient penalties).
export const conv2dBackpropInputRule: GradRule<'Conv2DBackpropInput'> = ({ inputs, attrs }, g) => {
  const [dy, weight] = inputs;
  return [
    conv2dWithAttrs(g, weight, attrs, dy.shape),
    conv2dBackpropFilter(g, dy, weight.shape, attrs),
  ];
};

export const conv2dBackpropFilterRule: GradRule<'Conv2DBackpropFilter'> = (
  { inputs, attrs },
  g,
) => {
  const [x, dy] = inputs;
  return [conv2dBackpropInput(dy, g, x.shape, attrs), conv2dWithAttrs(x, g, attrs, dy.shape)];
};

export const maxPool2dRule: GradRule<'MaxPool2D'> = ({ inputs, attrs }, dy) => [
  maxPool2dBackward(dy, inputs[0], attrs),
];

export const maxPool2dBackwardRule: GradRule<'MaxPool2DBackward'> = () => {
  throw new ValueError(
    'maxPool2d: second derivatives through max pooling are not supported; ' +
      'use avgPool2d, or keep the first backward pass out of the recorded graph',
  );
};

export const avgPool2dRule: GradRule<'AvgPool2D'> = ({ inputs, attrs }, dy) => [
  avgPool2dBackward(dy, inputs[0].shape, attrs),
];

export const avgPool2dBackwardRule: GradRule<'AvgPool2DBackward'> = ({ inputs, attrs }, g) => [
  avgPool2dWithAttrs(g, attrs, inputs[0].shape),
];
