import type { KernelTable } from '@tessera/tensor';
import type { WebGPUContext } from './context';
import { argReduce } from './kernels/arg-reduce';
import { binary } from './kernels/binary';
import { cast } from './kernels/cast';
import { concat } from './kernels/concat';
import { conv2d } from './kernels/conv2d';
import { conv2dBackpropFilter, conv2dBackpropInput } from './kernels/conv2d-backprop';
import { expand } from './kernels/expand';
import { fill } from './kernels/fill';
import { gather } from './kernels/gather';
import { logSoftmax } from './kernels/log-softmax';
import { matMul } from './kernels/mat-mul';
import { pad } from './kernels/pad';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './kernels/pool2d';
import { reduce } from './kernels/reduce';
import { scatterAdd } from './kernels/scatter-add';
import { slice } from './kernels/slice';
import { softmax } from './kernels/softmax';
import { transpose } from './kernels/transpose';
import { unary } from './kernels/unary';
import { where } from './kernels/where';

/**
 * Builds the table of every WebGPU kernel, bound to one device context and listed explicitly:
 * `satisfies KernelTable` makes a missing primitive a compile error. Each kernel records its
 * dispatches and returns a new storage at once, and the work runs when the batch is submitted.
 *
 * The table is built per context because the contract's kernels take only their call, while
 * these need the device they record on.
 */
export function webgpuKernels(context: WebGPUContext) {
  return {
    Unary: (call) => unary(context, call),
    Binary: (call) => binary(context, call),
    Cast: (call) => cast(context, call),
    Fill: (call) => fill(context, call),
    Expand: (call) => expand(context, call),
    Reduce: (call) => reduce(context, call),
    ArgReduce: (call) => argReduce(context, call),
    MatMul: (call) => matMul(context, call),
    Transpose: (call) => transpose(context, call),
    Slice: (call) => slice(context, call),
    Concat: (call) => concat(context, call),
    Pad: (call) => pad(context, call),
    Where: (call) => where(context, call),
    Gather: (call) => gather(context, call),
    ScatterAdd: (call) => scatterAdd(context, call),
    Softmax: (call) => softmax(context, call),
    LogSoftmax: (call) => logSoftmax(context, call),
    Conv2D: (call) => conv2d(context, call),
    Conv2DBackpropInput: (call) => conv2dBackpropInput(context, call),
    Conv2DBackpropFilter: (call) => conv2dBackpropFilter(context, call),
    MaxPool2D: (call) => maxPool2d(context, call),
    MaxPool2DBackward: (call) => maxPool2dBackward(context, call),
    AvgPool2D: (call) => avgPool2d(context, call),
    AvgPool2DBackward: (call) => avgPool2dBackward(context, call),
  } satisfies KernelTable;
}
