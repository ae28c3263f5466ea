import type { Conv2DAttrs, KernelCall, TypedArray } from '@tessera/tensor';
import { allocOutput, type CpuStorage, dataOf, wrap } from '../storage';
import { gemmFloat } from './mat-mul';

/*
 * Convolution as im2col + GEMM: for one image and one group, the columns matrix holds, for
 * each (channel, ky, kx) row, the input value each output position sees (0 in the padding), so
 * the convolution is the product weight[O, C*kH*kW] x columns[C*kH*kW, outH*outW] and the
 * packed matmul does the arithmetic. The backward kernels reuse the same layout: the input
 * gradient is weightᵀ x dy scattered back (col2im), the filter gradient dy x columnsᵀ.
 */

interface Geometry {
  batch: number;
  channels: number;
  height: number;
  width: number;
  outChannels: number;
  kernelH: number;
  kernelW: number;
  outH: number;
  outW: number;
  groups: number;
  groupChannels: number;
  groupOut: number;
  /** Rows of the columns matrix for one group: groupChannels * kernelH * kernelW. */
  patch: number;
  attrs: Conv2DAttrs;
}

function geometry(
  xShape: readonly number[],
  wShape: readonly number[],
  yShape: readonly number[],
  attrs: Conv2DAttrs,
): Geometry {
  const [batch, channels, height, width] = xShape;
  const [outChannels, groupChannels, kernelH, kernelW] = wShape;
  const groups = attrs.groups;
  return {
    batch,
    channels,
    height,
    width,
    outChannels,
    kernelH,
    kernelW,
    outH: yShape[2],
    outW: yShape[3],
    groups,
    groupChannels,
    groupOut: outChannels / groups,
    patch: groupChannels * kernelH * kernelW,
    attrs,
  };
}

/** Fills `columns` for image `n`, group `g`. */
function im2col(x: TypedArray, g: Geometry, n: number, group: number, columns: Float64Array): void {
  const { height, width, kernelH, kernelW, outH, outW } = g;
  const [strideH, strideW] = g.attrs.stride;
  const [dilationH, dilationW] = g.attrs.dilation;
  const [top, , left] = g.attrs.padding;
  const plane = height * width;
  let row = 0;
  for (let c = 0; c < g.groupChannels; c++) {
    const channelBase = (n * g.channels + group * g.groupChannels + c) * plane;
    for (let ky = 0; ky < kernelH; ky++) {
      for (let kx = 0; kx < kernelW; kx++, row++) {
        const rowBase = row * outH * outW;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - top + ky * dilationH;
          const outBase = rowBase + oy * outW;
          if (iy < 0 || iy >= height) {
            columns.fill(0, outBase, outBase + outW);
            continue;
          }
          const inBase = channelBase + iy * width;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * strideW - left + kx * dilationW;
            columns[outBase + ox] = ix >= 0 && ix < width ? x[inBase + ix] : 0;
          }
        }
      }
    }
  }
}

/** Adds `columns` back onto image `n`, group `g` of `dx` (the adjoint of im2col). */
function col2im(
  columns: Float64Array,
  g: Geometry,
  n: number,
  group: number,
  dx: TypedArray,
): void {
  const { height, width, kernelH, kernelW, outH, outW } = g;
  const [strideH, strideW] = g.attrs.stride;
  const [dilationH, dilationW] = g.attrs.dilation;
  const [top, , left] = g.attrs.padding;
  const plane = height * width;
  let row = 0;
  for (let c = 0; c < g.groupChannels; c++) {
    const channelBase = (n * g.channels + group * g.groupChannels + c) * plane;
    for (let ky = 0; ky < kernelH; ky++) {
      for (let kx = 0; kx < kernelW; kx++, row++) {
        const rowBase = row * outH * outW;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - top + ky * dilationH;
          if (iy < 0 || iy >= height) continue;
          const inBase = channelBase + iy * width;
          const outBase = rowBase + oy * outW;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * strideW - left + kx * dilationW;
            if (ix >= 0 && ix < width) dx[inBase + ix] += columns[outBase + ox];
          }
        }
      }
    }
  }
}

export function conv2d(call: KernelCall<'Conv2D'>): CpuStorage {
  const [xInput, wInput] = call.inputs;
  const g = geometry(xInput.shape, wInput.shape, call.output.shape, call.attrs);
  const out = allocOutput(call.output);
  const spatial = g.outH * g.outW;
  if (call.output.size === 0 || g.patch === 0) return wrap(out);
  const x = dataOf(xInput);
  const w = dataOf(wInput);
  const columns = new Float64Array(g.patch * spatial);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      im2col(x, g, n, group, columns);
      const weight = { data: w, offset: group * g.groupOut * g.patch, rs: g.patch, cs: 1 };
      const cols = { data: columns, offset: 0, rs: spatial, cs: 1 };
      const outOffset = (n * g.outChannels + group * g.groupOut) * spatial;
      gemmFloat(weight, cols, out, outOffset, g.groupOut, spatial, g.patch);
    }
  }
  return wrap(out);
}

export function conv2dBackpropInput(call: KernelCall<'Conv2DBackpropInput'>): CpuStorage {
  const [dyInput, wInput] = call.inputs;
  const g = geometry(call.output.shape, wInput.shape, dyInput.shape, call.attrs);
  const dx = allocOutput(call.output);
  const spatial = g.outH * g.outW;
  if (dyInput.shape.some((d) => d === 0) || g.patch === 0) return wrap(dx);
  const dy = dataOf(dyInput);
  const w = dataOf(wInput);
  const columns = new Float64Array(g.patch * spatial);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      columns.fill(0);
      // columns = weightᵀ [patch, groupOut] x dy [groupOut, spatial]
      const weightT = { data: w, offset: group * g.groupOut * g.patch, rs: 1, cs: g.patch };
      const grad = {
        data: dy,
        offset: (n * g.outChannels + group * g.groupOut) * spatial,
        rs: spatial,
        cs: 1,
      };
      gemmFloat(weightT, grad, columns, 0, g.patch, spatial, g.groupOut);
      col2im(columns, g, n, group, dx);
    }
  }
  return wrap(dx);
}

export function conv2dBackpropFilter(call: KernelCall<'Conv2DBackpropFilter'>): CpuStorage {
  const [xInput, dyInput] = call.inputs;
  const g = geometry(xInput.shape, call.output.shape, dyInput.shape, call.attrs);
  const dw = allocOutput(call.output);
  const spatial = g.outH * g.outW;
  if (call.output.size === 0 || spatial === 0 || g.batch === 0) return wrap(dw);
  const x = dataOf(xInput);
  const dy = dataOf(dyInput);
  const columns = new Float64Array(g.patch * spatial);
  const partial = new Float64Array(g.groupOut * g.patch);
  const sums = new Float64Array(dw.length);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      im2col(x, g, n, group, columns);
      partial.fill(0);
      // partial = dy [groupOut, spatial] x columnsᵀ [spatial, patch]
      const grad = {
        data: dy,
        offset: (n * g.outChannels + group * g.groupOut) * spatial,
        rs: spatial,
        cs: 1,
      };
      const colsT = { data: columns, offset: 0, rs: 1, cs: spatial };
      gemmFloat(grad, colsT, partial, 0, g.groupOut, g.patch, spatial);
      const base = group * g.groupOut * g.patch;
      for (let i = 0; i < partial.length; i++) sums[base + i] += partial[i];
    }
  }
  dw.set(sums);
  return wrap(dw);
}
