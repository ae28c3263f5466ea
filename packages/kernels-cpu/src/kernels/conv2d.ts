import type { KernelCall, TypedArray } from '@tessera/tensor';
import { allocOutput, type CpuStorage, dataOf, wrap } from '../storage';
import { gemmWorkspace } from './gemm';
import { col2im, type Geometry, geometry, im2col } from './im2col';

/*
 * Convolution as im2col + GEMM over a chunk of images at once. The columns matrix has one row
 * per (channel, ky, kx) and one column per (image, output position). For each group the
 * convolution is then the single product weight[groupOut, patch] x columns[patch, images *
 * spatial].
 * Wide products split well across threads and amortize the GEMM's packing, where one small
 * product per image would not. The backward kernels use the same layout: the input gradient is
 * weightᵀ x dy scattered back (col2im), the filter gradient dy x columnsᵀ, summed over images
 * by the product itself. dy and y are [N, O, spatial], so their per-image rows are copied to and
 * from the [O, images * spatial] layout.
 */

/** Elements of the columns matrix per GEMM (16 MiB of float32): bounds the images per chunk. */
const COLUMNS_LIMIT = 1 << 22;

/** Images per chunk: as many as keep the columns matrix within COLUMNS_LIMIT, at least one. */
function chunkImages(g: Geometry): number {
  const perImage = g.patch * g.outH * g.outW;
  return Math.max(1, Math.min(g.batch, Math.floor(COLUMNS_LIMIT / perImage)));
}

/**
 * Copies channels [o0, o0 + count) of images [n0, n0 + images) between an NCHW tensor and a
 * row-major [count, images * spatial] matrix, in the direction `toMatrix` selects.
 */
function moveChannels(
  tensor: TypedArray,
  matrix: TypedArray,
  ld: number,
  g: { channels: number; spatial: number; o0: number; count: number },
  n0: number,
  images: number,
  toMatrix: boolean,
): void {
  const { spatial } = g;
  for (let image = 0; image < images; image++) {
    for (let o = 0; o < g.count; o++) {
      const t = ((n0 + image) * g.channels + g.o0 + o) * spatial;
      const mOffset = o * ld + image * spatial;
      if (toMatrix) matrix.set(tensor.subarray(t, t + spatial), mOffset);
      else tensor.set(matrix.subarray(mOffset, mOffset + spatial), t);
    }
  }
}

/** Calls `body` for each chunk of images and each group, in order. */
function forEachChunk(
  g: Geometry,
  body: (n0: number, images: number, columns: number, group: number) => void,
): void {
  const chunk = chunkImages(g);
  const spatial = g.outH * g.outW;
  for (let n0 = 0; n0 < g.batch; n0 += chunk) {
    const images = Math.min(chunk, g.batch - n0);
    for (let group = 0; group < g.groups; group++) body(n0, images, images * spatial, group);
  }
}

/** Returns the layout of group `group`'s output channels, for `moveChannels`. */
function groupChannels(g: Geometry, group: number) {
  const spatial = g.outH * g.outW;
  return { channels: g.outChannels, spatial, o0: group * g.groupOut, count: g.groupOut };
}

/** Copies group `group`'s weight [groupOut, patch] into `target`. */
function copyWeight(w: TypedArray, g: Geometry, group: number, target: TypedArray): void {
  const start = group * g.groupOut * g.patch;
  target.set(w.subarray(start, start + g.groupOut * g.patch));
}

export function conv2d(call: KernelCall<'Conv2D'>): CpuStorage {
  const [xInput, wInput] = call.inputs;
  const g = geometry(xInput.shape, wInput.shape, call.output.shape, call.attrs);
  const out = allocOutput(call.output);
  if (call.output.size === 0 || g.patch === 0) return wrap(out);

  const x = dataOf(xInput);
  const w = dataOf(wInput);
  const { groupOut, patch } = g;
  const spatial = g.outH * g.outW;
  const steps = forwardSteps(g);
  // There are two columns buffers of `width` columns each, so that step i + 1's im2col fills one
  // while the worker threads multiply step i's.
  const width = steps[0].images * spatial;
  const bufferSize = patch * width;
  const ws = gemmWorkspace(call.output.dtype, groupOut * patch, 2 * bufferSize, groupOut, width);
  const fillColumns = (step: ForwardStep, buffer: number): void => {
    for (let image = 0; image < step.images; image++) {
      im2col(x, g, step.n0 + image, step.group, ws.b, width, buffer * bufferSize + image * spatial);
    }
  };
  fillColumns(steps[0], 0);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const next = steps[i + 1];
    const cols = step.images * spatial;
    copyWeight(w, g, step.group, ws.a);
    const alongside = next === undefined ? undefined : () => fillColumns(next, (i + 1) % 2);
    // y = weight [groupOut, patch] x columns [patch, cols]
    const columns = { rs: width, cs: 1, offset: (i % 2) * bufferSize };
    ws.multiply({ rs: patch, cs: 1 }, columns, groupOut, cols, patch, alongside);
    moveChannels(out, ws.c, ws.ldc, groupChannels(g, step.group), step.n0, step.images, false);
  }
  return wrap(out);
}

/** One product of the forward pass: `images` images from `n0`, one group. */
interface ForwardStep {
  n0: number;
  images: number;
  group: number;
}

/**
 * Elements of one forward columns buffer (1 MiB of float32). It is smaller than COLUMNS_LIMIT so
 * that the columns stay in L2 between im2col and the GEMM's packing, and so that a batch makes
 * several products to overlap.
 */
const FORWARD_COLUMNS_LIMIT = 1 << 18;

/** Splits the forward pass into products of at most FORWARD_COLUMNS_LIMIT columns elements. */
function forwardSteps(g: Geometry): ForwardStep[] {
  const perImage = g.patch * g.outH * g.outW;
  const chunk = Math.max(1, Math.min(g.batch, Math.floor(FORWARD_COLUMNS_LIMIT / perImage)));
  const steps: ForwardStep[] = [];
  for (let n0 = 0; n0 < g.batch; n0 += chunk) {
    const images = Math.min(chunk, g.batch - n0);
    for (let group = 0; group < g.groups; group++) steps.push({ n0, images, group });
  }
  return steps;
}

export function conv2dBackpropInput(call: KernelCall<'Conv2DBackpropInput'>): CpuStorage {
  const [dyInput, wInput] = call.inputs;
  const g = geometry(call.output.shape, wInput.shape, dyInput.shape, call.attrs);
  const dx = allocOutput(call.output);
  if (dyInput.shape.some((d) => d === 0) || g.patch === 0) return wrap(dx);

  const dy = dataOf(dyInput);
  const w = dataOf(wInput);
  const spatial = g.outH * g.outW;
  forEachChunk(g, (n0, images, cols, group) => {
    const { groupOut, patch } = g;
    const ws = gemmWorkspace(call.output.dtype, patch * groupOut, groupOut * cols, patch, cols);
    copyWeight(w, g, group, ws.a);
    moveChannels(dy, ws.b, cols, groupChannels(g, group), n0, images, true);
    // columns = weightᵀ [patch, groupOut] x dy [groupOut, cols]
    ws.multiply({ rs: 1, cs: patch }, { rs: cols, cs: 1 }, patch, cols, groupOut);
    for (let image = 0; image < images; image++) {
      col2im(ws.c, ws.ldc, image * spatial, g, n0 + image, group, dx);
    }
  });
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
  const sums = new Float64Array(dw.length);
  forEachChunk(g, (n0, images, cols, group) => {
    const { groupOut, patch } = g;
    const ws = gemmWorkspace(call.output.dtype, groupOut * cols, patch * cols, groupOut, patch);
    moveChannels(dy, ws.a, cols, groupChannels(g, group), n0, images, true);
    for (let image = 0; image < images; image++) {
      im2col(x, g, n0 + image, group, ws.b, cols, image * spatial);
    }
    // dw = dy [groupOut, cols] x columnsᵀ [cols, patch], summed over chunks in float64
    ws.multiply({ rs: cols, cs: 1 }, { rs: 1, cs: cols }, groupOut, patch, cols);
    addRows(sums, group * groupOut * patch, ws.c, ws.ldc, groupOut, patch);
  });
  dw.set(sums);
  return wrap(dw);
}

/** sums[offset + i * n + j] += c[i * ldc + j] for an m x n block. */
function addRows(
  sums: Float64Array,
  offset: number,
  c: TypedArray,
  ldc: number,
  m: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) sums[offset + i * n + j] += c[i * ldc + j];
  }
}
