import type { KernelCall, Pool2DAttrs } from '@tessera/tensor';
import { allocOutput, type CpuStorage, dataOf, wrap } from '../storage';

interface Window {
  /** First row and column of the window in input coordinates (may be negative: padding). */
  y0: number;
  x0: number;
}

/** Calls `visit(planeIndex, outIndex, window)` for every output cell of an NCHW pooling. */
function forEachWindow(
  inShape: readonly number[],
  outShape: readonly number[],
  attrs: Pool2DAttrs,
  visit: (plane: number, outIndex: number, window: Window) => void,
): void {
  const [batch, channels] = inShape;
  const [, , outH, outW] = outShape;
  const window = { y0: 0, x0: 0 };
  let outIndex = 0;
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, outIndex++) {
        window.y0 = oy * attrs.stride[0] - attrs.padding[0];
        window.x0 = ox * attrs.stride[1] - attrs.padding[2];
        visit(plane, outIndex, window);
      }
    }
  }
}

/**
 * The flat input index of the window's maximum (the first one on ties, NaN wins), or -1 when
 * the window holds only padding.
 */
function argmaxInWindow(
  x: ArrayLike<number>,
  plane: number,
  shape: readonly number[],
  attrs: Pool2DAttrs,
  w: Window,
): number {
  const [, , height, width] = shape;
  const base = plane * height * width;
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let ky = 0; ky < attrs.kernelSize[0]; ky++) {
    const iy = w.y0 + ky * attrs.dilation[0];
    if (iy < 0 || iy >= height) continue;
    for (let kx = 0; kx < attrs.kernelSize[1]; kx++) {
      const ix = w.x0 + kx * attrs.dilation[1];
      if (ix < 0 || ix >= width) continue;
      const index = base + iy * width + ix;
      const value = x[index];
      if (best === -1 || value > bestValue || (Number.isNaN(value) && !Number.isNaN(bestValue))) {
        best = index;
        bestValue = value;
      }
    }
  }
  return best;
}

export function maxPool2d(call: KernelCall<'MaxPool2D'>): CpuStorage {
  const [xInput] = call.inputs;
  const x = dataOf(xInput);
  const out = allocOutput(call.output);
  forEachWindow(xInput.shape, call.output.shape, call.attrs, (plane, outIndex, window) => {
    const index = argmaxInWindow(x, plane, xInput.shape, call.attrs, window);
    out[outIndex] = index === -1 ? Number.NEGATIVE_INFINITY : x[index];
  });
  return wrap(out);
}

export function maxPool2dBackward(call: KernelCall<'MaxPool2DBackward'>): CpuStorage {
  const [dyInput, xInput] = call.inputs;
  const dy = dataOf(dyInput);
  const x = dataOf(xInput);
  const sums = new Float64Array(call.output.size);
  forEachWindow(xInput.shape, dyInput.shape, call.attrs, (plane, outIndex, window) => {
    const index = argmaxInWindow(x, plane, xInput.shape, call.attrs, window);
    if (index !== -1) sums[index] += dy[outIndex];
  });
  const dx = allocOutput(call.output);
  dx.set(sums);
  return wrap(dx);
}

/** The cells of a window inside the input, and the divisor of its average. */
function windowExtent(
  shape: readonly number[],
  attrs: Pool2DAttrs & { countIncludePad: boolean },
  w: Window,
) {
  const [, , height, width] = shape;
  const [kh, kw] = attrs.kernelSize;
  const yStart = Math.max(w.y0, 0);
  const xStart = Math.max(w.x0, 0);
  const yEnd = Math.min(w.y0 + kh, height);
  const xEnd = Math.min(w.x0 + kw, width);
  // With countIncludePad the divisor counts padding cells but, as PyTorch, not cells beyond
  // the padded input.
  const paddedH = Math.min(w.y0 + kh, height + attrs.padding[1]) - w.y0;
  const paddedW = Math.min(w.x0 + kw, width + attrs.padding[3]) - w.x0;
  const count = attrs.countIncludePad ? paddedH * paddedW : (yEnd - yStart) * (xEnd - xStart);
  return { yStart, xStart, yEnd, xEnd, count };
}

export function avgPool2d(call: KernelCall<'AvgPool2D'>): CpuStorage {
  const [xInput] = call.inputs;
  const x = dataOf(xInput);
  const [, , height, width] = xInput.shape;
  const out = allocOutput(call.output);
  forEachWindow(xInput.shape, call.output.shape, call.attrs, (plane, outIndex, window) => {
    const { yStart, xStart, yEnd, xEnd, count } = windowExtent(xInput.shape, call.attrs, window);
    let sum = 0;
    for (let iy = yStart; iy < yEnd; iy++) {
      const row = plane * height * width + iy * width;
      for (let ix = xStart; ix < xEnd; ix++) sum += x[row + ix];
    }
    out[outIndex] = sum / count;
  });
  return wrap(out);
}

export function avgPool2dBackward(call: KernelCall<'AvgPool2DBackward'>): CpuStorage {
  const [dyInput] = call.inputs;
  const dy = dataOf(dyInput);
  const shape = call.output.shape;
  const [, , height, width] = shape;
  const sums = new Float64Array(call.output.size);
  forEachWindow(shape, dyInput.shape, call.attrs, (plane, outIndex, window) => {
    const { yStart, xStart, yEnd, xEnd, count } = windowExtent(shape, call.attrs, window);
    const share = dy[outIndex] / count;
    for (let iy = yStart; iy < yEnd; iy++) {
      const row = plane * height * width + iy * width;
      for (let ix = xStart; ix < xEnd; ix++) sums[row + ix] += share;
    }
  });
  const dx = allocOutput(call.output);
  dx.set(sums);
  return wrap(dx);
}
