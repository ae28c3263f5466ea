import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { runStridedMap } from '../program/strided-map';
import { contiguousStrides } from '../program/strides';
import { storageOf, type WebGPUStorage } from '../storage';

/** Output axis i is input axis `perm[i]`: a read of the input through permuted strides. */
export function transpose(context: WebGPUContext, call: KernelCall<'Transpose'>): WebGPUStorage {
  const [x] = call.inputs;
  const inputStrides = contiguousStrides(x.shape);
  // NOTE: each invocation gathers one element, so one side of a large matrix transpose is read
  // with a wide stride. A tiled transpose through workgroup memory would coalesce both sides.
  return runStridedMap(context, {
    name: 'copy',
    operands: [
      {
        storage: storageOf(x),
        strides: call.attrs.perm.map((axis) => inputStrides[axis]),
        offset: 0,
      },
    ],
    output: call.output,
    expression: ([v]) => v,
  });
}
