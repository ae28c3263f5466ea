import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import {
  CONV_UNIFORMS,
  convGeometry,
  convUniformValues,
  INPUT_CELL,
  OUTPUT_CELL,
} from '../program/conv-geometry';
import { type GemmOperands, planSplits, runImplicitGemm } from '../program/implicit-gemm';
import { storageOf, type WebGPUStorage } from '../storage';
import { reduce } from './reduce';

/*
 * The two gradients of Conv2D as implicit GEMMs (see `conv2d.ts` for the forward one). Each
 * output element gathers its own sum, so no two invocations write the same place and no atomics
 * are needed.
 */

/*
 * dx[batch] = W[group]ᵀ x dyColumns[batch], batch = image * groups + group: row c of the group's
 * input channels, inner (o, tap) over the group's output channels and kernel taps, and column
 * iy * width + ix. The dyColumns element is dy at the output position whose tap reads (iy, ix), or
 * 0 where none does (the stride skips the cell, or the position is past the output's edge).
 */
const BACKPROP_INPUT: GemmOperands = {
  key: 'conv2dBackpropInput',
  bindings: [
    { name: 'weight', element: 'f32', access: 'read' },
    { name: 'dy', element: 'f32', access: 'read' },
    { name: 'result', element: 'f32', access: 'read_write' },
  ],
  uniforms: CONV_UNIFORMS,
  snippets: [OUTPUT_CELL],
  accessors: `
fn loadA(batch: u32, row: u32, inner: u32) -> f32 {
  let taps = params.kernelH * params.kernelW;
  let outChannel = (batch % params.groups) * params.groupOut + inner / taps;
  return weight[(outChannel * params.groupChannels + row) * taps + inner % taps];
}

fn loadB(batch: u32, inner: u32, column: u32) -> f32 {
  let taps = params.kernelH * params.kernelW;
  let position = outputCell(column / params.width, column % params.width, inner % taps);
  if (position < 0) { return 0.0; }
  let channel = batch * params.groupOut + inner / taps;
  return dy[channel * params.outH * params.outW + u32(position)];
}

fn storeC(split: u32, batch: u32, row: u32, column: u32, value: f32) {
  result[(batch * params.groupChannels + row) * params.n + column] = value;
}`,
  bInnerContiguous: false,
};

/*
 * dW[group] = dy[group] x columns[group]ᵀ, summed over images: row o of the group's output
 * channels, column (c, tap) as the weight is laid out, and inner (image, oy * outW + ox). The
 * inner length grows with the batch while the output stays small, so the sum is split (`split`
 * picks a part of inner) and each split writes its own copy of the weight gradient.
 */
const BACKPROP_FILTER: GemmOperands = {
  key: 'conv2dBackpropFilter',
  bindings: [
    { name: 'dy', element: 'f32', access: 'read' },
    { name: 'x', element: 'f32', access: 'read' },
    { name: 'result', element: 'f32', access: 'read_write' },
  ],
  uniforms: CONV_UNIFORMS,
  snippets: [INPUT_CELL],
  accessors: `
fn loadA(batch: u32, row: u32, inner: u32) -> f32 {
  let plane = params.outH * params.outW;
  let channel = ((inner / plane) * params.groups + batch) * params.groupOut + row;
  return dy[channel * plane + inner % plane];
}

fn loadB(batch: u32, inner: u32, column: u32) -> f32 {
  let plane = params.outH * params.outW;
  let taps = params.kernelH * params.kernelW;
  let position = inner % plane;
  let cell = inputCell(position / params.outW, position % params.outW, column % taps);
  if (!insideInput(cell)) { return 0.0; }
  let channel = ((inner / plane) * params.groups + batch) * params.groupChannels + column / taps;
  return x[(channel * params.height + u32(cell.x)) * params.width + u32(cell.y)];
}

fn storeC(split: u32, batch: u32, row: u32, column: u32, value: f32) {
  result[((split * params.groups + batch) * params.groupOut + row) * params.n + column] = value;
}`,
  bInnerContiguous: true,
};

/** Computes the gradient of Conv2D with respect to its input. */
export function conv2dBackpropInput(
  context: WebGPUContext,
  call: KernelCall<'Conv2DBackpropInput'>,
): WebGPUStorage {
  const [dy, weight] = call.inputs;
  const { attrs, output } = call;
  const result = context.allocate(output.size, output.dtype);
  if (output.size === 0) return result;

  const g = convGeometry(output.shape, weight.shape, dy.shape, attrs.groups);
  const k = g.groupOut * g.kernelH * g.kernelW;
  const shape = {
    batches: g.batch * g.groups,
    m: g.groupChannels,
    n: g.height * g.width,
    k,
    splits: 1,
    kChunk: k,
  };
  const buffers = [
    context.whole(storageOf(weight), 'Conv2DBackpropInput', 'weight'),
    context.whole(storageOf(dy), 'Conv2DBackpropInput', 'output gradient'),
    context.whole(result, 'Conv2DBackpropInput', 'output'),
  ];
  runImplicitGemm(context, BACKPROP_INPUT, shape, buffers, convUniformValues(g, attrs));
  return result;
}

/** Computes the gradient of Conv2D with respect to its weight. */
export function conv2dBackpropFilter(
  context: WebGPUContext,
  call: KernelCall<'Conv2DBackpropFilter'>,
): WebGPUStorage {
  const [x, dy] = call.inputs;
  const { attrs, output } = call;
  const g = convGeometry(x.shape, output.shape, dy.shape, attrs.groups);
  const size = {
    batches: g.groups,
    m: g.groupOut,
    n: g.groupChannels * g.kernelH * g.kernelW,
    k: g.batch * g.outH * g.outW,
  };
  const { splits, kChunk } = planSplits(context, size);
  const partials = context.allocate(output.size * splits, output.dtype);
  if (output.size === 0) return partials;

  const buffers = [
    context.whole(storageOf(dy), 'Conv2DBackpropFilter', 'output gradient'),
    context.whole(storageOf(x), 'Conv2DBackpropFilter', 'input'),
    context.whole(partials, 'Conv2DBackpropFilter', splits > 1 ? 'partial sums' : 'output'),
  ];
  const shape = { ...size, splits, kChunk };
  runImplicitGemm(context, BACKPROP_FILTER, shape, buffers, convUniformValues(g, attrs));
  if (splits === 1) return partials;

  const summed = reduce(context, {
    inputs: [{ storage: partials, shape: [splits, output.size], dtype: output.dtype }],
    attrs: { op: 'sum', axes: [0] },
    output,
  });
  context.release(partials);
  return summed;
}
