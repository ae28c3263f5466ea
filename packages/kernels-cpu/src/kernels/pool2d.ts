import type { KernelCall, Pool2DAttrs, TypedArray } from '@tessera/tensor';
import { allocOutput, type CpuStorage, dataOf, wrap } from '../storage';

/*
 * NCHW pooling with plain loops. For each output row and column, the kernel taps that land
 * inside the input are computed once as a range (`tapRange`), so the window loops test no
 * bounds. Padding cells are never visited, so they cannot win a max and add nothing to a sum.
 */

/** Returns the taps [start, end) of a window starting at `origin` that fall inside [0, size). */
function tapRange(origin: number, taps: number, dilation: number, size: number): [number, number] {
  const start = Math.min(taps, Math.max(0, Math.ceil(-origin / dilation)));
  const end = Math.max(start, Math.min(taps, Math.floor((size - 1 - origin) / dilation) + 1));
  return [start, end];
}

interface Planes {
  planes: number;
  height: number;
  width: number;
  outH: number;
  outW: number;
}

function planesOf(inShape: readonly number[], outShape: readonly number[]): Planes {
  const [batch, channels, height, width] = inShape;
  return { planes: batch * channels, height, width, outH: outShape[2], outW: outShape[3] };
}

/** Returns whether `value` replaces `best` as a window's maximum: greater, or a first NaN. */
function beats(value: number, best: number): boolean {
  return value > best || (Number.isNaN(value) && !Number.isNaN(best));
}

/**
 * For each output cell, the flat input index of its window's maximum: the first one in row-major
 * window order on ties, the first NaN if any, or -1 when the window holds only padding.
 */
function maxIndices(x: TypedArray, p: Planes, attrs: Pool2DAttrs): Int32Array {
  const indices = new Int32Array(p.planes * p.outH * p.outW);
  const [kh, kw] = attrs.kernelSize;
  const [strideH, strideW] = attrs.stride;
  const unpadded = attrs.padding.every((pad) => pad === 0);
  const undilated = attrs.dilation[0] === 1 && attrs.dilation[1] === 1;
  if (kh === 2 && kw === 2 && strideH === 2 && strideW === 2 && unpadded && undilated) {
    maxIndices2x2(x, p, indices);
  } else {
    maxIndicesGeneral(x, p, attrs, indices);
  }
  return indices;
}

/** `maxIndices` for 2x2 windows with stride 2, no padding and no dilation (the usual case). */
function maxIndices2x2(x: TypedArray, p: Planes, indices: Int32Array): void {
  const { width } = p;
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * p.height * width;
    for (let oy = 0; oy < p.outH; oy++) {
      const row = base + 2 * oy * width;
      for (let ox = 0; ox < p.outW; ox++, o++) {
        // The four taps in row-major order, unrolled.
        const i0 = row + 2 * ox;
        let best = i0;
        let bestValue = x[i0];
        let value = x[i0 + 1];
        if (beats(value, bestValue)) {
          best = i0 + 1;
          bestValue = value;
        }
        value = x[i0 + width];
        if (beats(value, bestValue)) {
          best = i0 + width;
          bestValue = value;
        }
        if (beats(x[i0 + width + 1], bestValue)) best = i0 + width + 1;
        indices[o] = best;
      }
    }
  }
}

/** `maxIndices` for any window, with the taps inside the input precomputed per column. */
function maxIndicesGeneral(
  x: TypedArray,
  p: Planes,
  attrs: Pool2DAttrs,
  indices: Int32Array,
): void {
  const [kh, kw] = attrs.kernelSize;
  const [strideH, strideW] = attrs.stride;
  const [dilationH, dilationW] = attrs.dilation;
  const [top, , left] = attrs.padding;
  const columns = columnTaps(p.outW, strideW, left, kw, dilationW, p.width);
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * p.height * p.width;
    for (let oy = 0; oy < p.outH; oy++) {
      const y0 = oy * strideH - top;
      const [kyStart, kyEnd] = tapRange(y0, kh, dilationH, p.height);
      for (let ox = 0; ox < p.outW; ox++, o++) {
        const x0 = ox * strideW - left;
        let best = -1;
        let bestValue = Number.NEGATIVE_INFINITY;
        for (let ky = kyStart; ky < kyEnd; ky++) {
          const row = base + (y0 + ky * dilationH) * p.width + x0;
          for (let kx = columns.start[ox]; kx < columns.end[ox]; kx++) {
            const index = row + kx * dilationW;
            if (best === -1 || beats(x[index], bestValue)) {
              best = index;
              bestValue = x[index];
            }
          }
        }
        indices[o] = best;
      }
    }
  }
}

/** `tapRange` of every output column, computed once per kernel call. */
function columnTaps(
  outW: number,
  stride: number,
  left: number,
  taps: number,
  dilation: number,
  width: number,
): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outW);
  const end = new Int32Array(outW);
  for (let ox = 0; ox < outW; ox++) {
    [start[ox], end[ox]] = tapRange(ox * stride - left, taps, dilation, width);
  }
  return { start, end };
}

export function maxPool2d(call: KernelCall<'MaxPool2D'>): CpuStorage {
  const [xInput] = call.inputs;
  const x = dataOf(xInput);
  const out = allocOutput(call.output);
  const indices = maxIndices(x, planesOf(xInput.shape, call.output.shape), call.attrs);
  for (let o = 0; o < indices.length; o++) {
    const index = indices[o];
    out[o] = index === -1 ? Number.NEGATIVE_INFINITY : x[index];
  }
  return wrap(out);
}

export function maxPool2dBackward(call: KernelCall<'MaxPool2DBackward'>): CpuStorage {
  const [dyInput, xInput] = call.inputs;
  const dy = dataOf(dyInput);
  const x = dataOf(xInput);
  const indices = maxIndices(x, planesOf(xInput.shape, dyInput.shape), call.attrs);
  const dx = allocOutput(call.output);
  if (!windowsOverlap(call.attrs)) {
    // Each input cell is in at most one window, so it receives at most one dy: no sums needed.
    for (let o = 0; o < indices.length; o++) {
      if (indices[o] !== -1) dx[indices[o]] = dy[o];
    }
    return wrap(dx);
  }
  const sums = new Float64Array(call.output.size);
  for (let o = 0; o < indices.length; o++) {
    const index = indices[o];
    if (index !== -1) sums[index] += dy[o];
  }
  dx.set(sums);
  return wrap(dx);
}

/** Returns whether some input cell lies in two windows (a stride shorter than the window). */
function windowsOverlap(attrs: Pool2DAttrs): boolean {
  const [kh, kw] = attrs.kernelSize;
  const [dilationH, dilationW] = attrs.dilation;
  return attrs.stride[0] < (kh - 1) * dilationH + 1 || attrs.stride[1] < (kw - 1) * dilationW + 1;
}

type AvgAttrs = Pool2DAttrs & { countIncludePad: boolean };

/**
 * Calls `cell(o, row0, rowEnd, col0, colEnd, count)` for each output cell o of an average
 * pooling: the window's rows and columns inside the input and the divisor of its average. With
 * countIncludePad the divisor counts padding cells but, as PyTorch, not cells beyond the padded
 * input. One call per output cell: the loops over the window stay in the caller.
 */
function forEachAvgWindow(
  p: Planes,
  attrs: AvgAttrs,
  cell: (o: number, y0: number, y1: number, x0: number, x1: number, count: number) => void,
): void {
  const [kh, kw] = attrs.kernelSize;
  const [strideH, strideW] = attrs.stride;
  const [top, bottom, left, right] = attrs.padding;
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * p.height * p.width;
    for (let oy = 0; oy < p.outH; oy++) {
      const wy = oy * strideH - top;
      const y0 = Math.max(wy, 0);
      const y1 = Math.min(wy + kh, p.height);
      const paddedH = Math.min(wy + kh, p.height + bottom) - wy;
      for (let ox = 0; ox < p.outW; ox++, o++) {
        const wx = ox * strideW - left;
        const x0 = Math.max(wx, 0);
        const x1 = Math.min(wx + kw, p.width);
        const paddedW = Math.min(wx + kw, p.width + right) - wx;
        const count = attrs.countIncludePad ? paddedH * paddedW : (y1 - y0) * (x1 - x0);
        cell(o, base + y0 * p.width, base + y1 * p.width, x0, x1, count);
      }
    }
  }
}

export function avgPool2d(call: KernelCall<'AvgPool2D'>): CpuStorage {
  const [xInput] = call.inputs;
  const x = dataOf(xInput);
  const width = xInput.shape[3];
  const out = allocOutput(call.output);
  const planes = planesOf(xInput.shape, call.output.shape);
  forEachAvgWindow(planes, call.attrs, (o, row0, rowEnd, x0, x1, count) => {
    let sum = 0;
    for (let row = row0; row < rowEnd; row += width) {
      for (let ix = x0; ix < x1; ix++) sum += x[row + ix];
    }
    out[o] = sum / count;
  });
  return wrap(out);
}

export function avgPool2dBackward(call: KernelCall<'AvgPool2DBackward'>): CpuStorage {
  const [dyInput] = call.inputs;
  const dy = dataOf(dyInput);
  const width = call.output.shape[3];
  const sums = new Float64Array(call.output.size);
  const planes = planesOf(call.output.shape, dyInput.shape);
  forEachAvgWindow(planes, call.attrs, (o, row0, rowEnd, x0, x1, count) => {
    const share = dy[o] / count;
    for (let row = row0; row < rowEnd; row += width) {
      for (let ix = x0; ix < x1; ix++) sums[row + ix] += share;
    }
  });
  const dx = allocOutput(call.output);
  dx.set(sums);
  return wrap(dx);
}
