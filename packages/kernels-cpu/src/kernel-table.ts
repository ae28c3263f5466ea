import type { KernelTable } from '@tessera/tensor';
import { argReduce } from './kernels/arg-reduce';
import { binary } from './kernels/binary';
import { cast } from './kernels/cast';
import { concat } from './kernels/concat';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './kernels/conv2d';
import { expand } from './kernels/expand';
import { fill } from './kernels/fill';
import { gather } from './kernels/gather';
import { matMul } from './kernels/mat-mul';
import { pad } from './kernels/pad';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './kernels/pool2d';
import { reduce } from './kernels/reduce';
import { scatterAdd } from './kernels/scatter-add';
import { slice } from './kernels/slice';
import { logSoftmax, softmax } from './kernels/softmax';
import { transpose } from './kernels/transpose';
import { unary } from './kernels/unary';
import { where } from './kernels/where';

/**
 * Every CPU kernel, listed explicitly: `satisfies KernelTable` makes a missing primitive a
 * compile error. Each kernel returns a fresh storage (`{ data: TypedArray }`) and never one of
 * its inputs'.
 *
 * These functions do no memory accounting; a `CpuBackend` wraps them to count what they
 * allocate. Call them directly only to build another backend on top of them.
 */
export const cpuKernels = {
  Unary: unary,
  Binary: binary,
  Cast: cast,
  Fill: fill,
  Expand: expand,
  Reduce: reduce,
  ArgReduce: argReduce,
  MatMul: matMul,
  Transpose: transpose,
  Slice: slice,
  Concat: concat,
  Pad: pad,
  Where: where,
  Gather: gather,
  ScatterAdd: scatterAdd,
  Conv2D: conv2d,
  Conv2DBackpropInput: conv2dBackpropInput,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  MaxPool2D: maxPool2d,
  MaxPool2DBackward: maxPool2dBackward,
  AvgPool2D: avgPool2d,
  AvgPool2DBackward: avgPool2dBackward,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
} satisfies KernelTable;
