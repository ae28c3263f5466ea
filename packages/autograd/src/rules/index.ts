import {
  avgPool2dBackwardRule,
  avgPool2dRule,
  conv2dBackpropFilterRule,
  conv2dBackpropInputRule,
  conv2dRule,
  maxPool2dBackwardRule,
  maxPool2dRule,
} from './conv';
import { binaryRule, unaryRule, whereRule } from './elementwise';
import { reduceRule } from './reduce';
import {
  argReduceRule,
  castRule,
  concatRule,
  expandRule,
  fillRule,
  gatherRule,
  logSoftmaxRule,
  matMulRule,
  padRule,
  reshapeRule,
  scatterAddRule,
  sliceRule,
  softmaxRule,
  transposeRule,
} from './structural';
import type { GradRuleTable } from './types';

/** The gradient rule of every recorded op. */
export const GRAD_RULES: GradRuleTable = {
  Unary: unaryRule,
  Binary: binaryRule,
  Cast: castRule,
  Fill: fillRule,
  Expand: expandRule,
  Reduce: reduceRule,
  ArgReduce: argReduceRule,
  MatMul: matMulRule,
  Transpose: transposeRule,
  Slice: sliceRule,
  Concat: concatRule,
  Pad: padRule,
  Where: whereRule,
  Gather: gatherRule,
  ScatterAdd: scatterAddRule,
  Conv2D: conv2dRule,
  Conv2DBackpropInput: conv2dBackpropInputRule,
  Conv2DBackpropFilter: conv2dBackpropFilterRule,
  MaxPool2D: maxPool2dRule,
  MaxPool2DBackward: maxPool2dBackwardRule,
  AvgPool2D: avgPool2dRule,
  AvgPool2DBackward: avgPool2dBackwardRule,
  Softmax: softmaxRule,
  LogSoftmax: logSoftmaxRule,
  Reshape: reshapeRule,
};

export type { GradContext, GradRule, GradRuleTable } from './types';
