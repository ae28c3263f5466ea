import type { KernelTable } from '@tessera/tensor';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './kernels/conv2d';
import { binary, cast, expand, fill, unary, where } from './kernels/elementwise';
import { gather, scatterAdd } from './kernels/gather';
import { matMul } from './kernels/mat-mul';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './kernels/pool2d';
import { argReduce, reduce } from './kernels/reduce';
import { concat, pad, slice, transpose } from './kernels/shape';
import { logSoftmax, softmax } from './kernels/softmax';
import type { ProgramRunner } from './program';

/**
 * Builds the table of every gpu.js kernel, listed explicitly, so `satisfies KernelTable` makes a
 * missing primitive a compile error. Each kernel returns a new storage made by `runner`, never
 * one of its inputs'.
 */
export function createKernelTable(runner: ProgramRunner): KernelTable {
  return {
    Unary: (call) => unary(runner, call),
    Binary: (call) => binary(runner, call),
    Cast: (call) => cast(runner, call),
    Fill: (call) => fill(runner, call),
    Expand: (call) => expand(runner, call),
    Reduce: (call) => reduce(runner, call),
    ArgReduce: (call) => argReduce(runner, call),
    MatMul: (call) => matMul(runner, call),
    Transpose: (call) => transpose(runner, call),
    Slice: (call) => slice(runner, call),
    Concat: (call) => concat(runner, call),
    Pad: (call) => pad(runner, call),
    Where: (call) => where(runner, call),
    Gather: (call) => gather(runner, call),
    ScatterAdd: (call) => scatterAdd(runner, call),
    Conv2D: (call) => conv2d(runner, call),
    Conv2DBackpropInput: (call) => conv2dBackpropInput(runner, call),
    Conv2DBackpropFilter: (call) => conv2dBackpropFilter(runner, call),
    MaxPool2D: (call) => maxPool2d(runner, call),
    MaxPool2DBackward: (call) => maxPool2dBackward(runner, call),
    AvgPool2D: (call) => avgPool2d(runner, call),
    AvgPool2DBackward: (call) => avgPool2dBackward(runner, call),
    Softmax: (call) => softmax(runner, call),
    LogSoftmax: (call) => logSoftmax(runner, call),
  } satisfies KernelTable;
}
