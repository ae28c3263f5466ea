import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import {
  CONV_UNIFORMS,
  convGeometry,
  convUniformValues,
  INPUT_CELL,
} from '../program/conv-geometry';
import { type GemmOperands, runImplicitGemm } from '../program/implicit-gemm';
import { storageOf, type WebGPUStorage } from '../storage';

/*
 * Conv2D as an implicit GEMM, one product per image and group (batch = image * groups + group):
 * y[batch] = W[group] x columns[batch]. W[group] is the group's weights as a
 * [groupOut, groupChannels * kH * kW] matrix. The im2col matrix `columns` has at
 * (inner = channel * taps + tap, column = oy * outW + ox) the input cell that output position
 * reads at that tap, or 0 in the padding. It is never stored, because `loadB` computes each
 * element when a tile needs it.
 */
const FORWARD: GemmOperands = {
  key: 'conv2d',
  bindings: [
    { name: 'weight', element: 'f32', access: 'read' },
    { name: 'x', element: 'f32', access: 'read' },
    { name: 'result', element: 'f32', access: 'read_write' },
  ],
  uniforms: CONV_UNIFORMS,
  snippets: [INPUT_CELL],
  accessors: `
fn loadA(batch: u32, row: u32, inner: u32) -> f32 {
  let group = batch % params.groups;
  return weight[(group * params.groupOut + row) * params.k + inner];
}

fn loadB(batch: u32, inner: u32, column: u32) -> f32 {
  let taps = params.kernelH * params.kernelW;
  let cell = inputCell(column / params.outW, column % params.outW, inner % taps);
  if (!insideInput(cell)) { return 0.0; }
  // Equal to image * channels + group * groupChannels + c, as channels = groups * groupChannels.
  let channel = batch * params.groupChannels + inner / taps;
  return x[(channel * params.height + u32(cell.x)) * params.width + u32(cell.y)];
}

fn storeC(split: u32, batch: u32, row: u32, column: u32, value: f32) {
  result[(batch * params.groupOut + row) * params.n + column] = value;
}`,
  bInnerContiguous: false,
};

/** Computes a 2-D cross-correlation with stride, asymmetric zero padding, dilation and groups. */
export function conv2d(context: WebGPUContext, call: KernelCall<'Conv2D'>): WebGPUStorage {
  const [x, weight] = call.inputs;
  const { attrs, output } = call;
  const result = context.allocate(output.size, output.dtype);
  if (output.size === 0) return result;

  const g = convGeometry(x.shape, weight.shape, output.shape, attrs.groups);
  const shape = {
    batches: g.batch * g.groups,
    m: g.groupOut,
    n: g.outH * g.outW,
    k: g.groupChannels * g.kernelH * g.kernelW,
    splits: 1,
    kChunk: g.groupChannels * g.kernelH * g.kernelW,
  };
  const buffers = [
    context.whole(storageOf(weight), 'Conv2D', 'weight'),
    context.whole(storageOf(x), 'Conv2D', 'input'),
    context.whole(result, 'Conv2D', 'output'),
  ];
  runImplicitGemm(context, FORWARD, shape, buffers, convUniformValues(g, attrs));
  return result;
}
