import type { Conv2DAttrs, TypedArray } from '@tessera/tensor';

/** The shapes of one convolution, for x [N, C, H, W], weight [O, C / groups, kH, kW]. */
export interface Geometry {
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

export function geometry(
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

/**
 * Returns the output columns [start, end) whose input column `ox * stride + offset` lies inside
 * [0, width): the rest read padding. Computing the range once per kernel column keeps the inner
 * loops free of bounds tests.
 */
function validRange(outW: number, stride: number, offset: number, width: number): [number, number] {
  const start = Math.min(outW, Math.max(0, Math.ceil(-offset / stride)));
  const end = Math.max(start, Math.min(outW, Math.floor((width - 1 - offset) / stride) + 1));
  return [start, end];
}

/**
 * Writes the columns matrix of image `n`, group `group`: row (c, ky, kx) at
 * `columns[row * ld + column0 ...]` holds, for each output position, the input value it reads
 * under that kernel tap (0 in the padding). Every element is written, so `columns` need not be
 * zeroed.
 */
export function im2col(
  x: TypedArray,
  g: Geometry,
  n: number,
  group: number,
  columns: TypedArray,
  ld: number,
  column0: number,
): void {
  if (isShiftedPlane(g)) im2colShifted(x, g, n, group, columns, ld, column0);
  else im2colRows(x, g, n, group, columns, ld, column0);
}

/**
 * Adds a columns matrix laid out as `im2col` writes it onto image `n`, group `group` of dx.
 * Entries of `columns` that fall in the padding may be overwritten with zeros.
 */
export function col2im(
  columns: TypedArray,
  ld: number,
  column0: number,
  g: Geometry,
  n: number,
  group: number,
  dx: TypedArray,
): void {
  if (isShiftedPlane(g)) col2imShifted(columns, ld, column0, g, n, group, dx);
  else col2imRows(columns, ld, column0, g, n, group, dx);
}

/** `im2col` one output row at a time: any stride, dilation and padding. */
function im2colRows(
  x: TypedArray,
  g: Geometry,
  n: number,
  group: number,
  columns: TypedArray,
  ld: number,
  column0: number,
): void {
  const { height, width, kernelH, kernelW, outH, outW } = g;
  const [strideH, strideW] = g.attrs.stride;
  const [dilationH, dilationW] = g.attrs.dilation;
  const [top, , left] = g.attrs.padding;
  let row = 0;
  for (let c = 0; c < g.groupChannels; c++) {
    const channelBase = (n * g.channels + group * g.groupChannels + c) * height * width;
    for (let ky = 0; ky < kernelH; ky++) {
      for (let kx = 0; kx < kernelW; kx++, row++) {
        const offsetX = kx * dilationW - left;
        const [start, end] = validRange(outW, strideW, offsetX, width);
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - top + ky * dilationH;
          const o = row * ld + column0 + oy * outW;
          if (iy < 0 || iy >= height) {
            columns.fill(0, o, o + outW);
            continue;
          }
          const i = channelBase + iy * width + offsetX;
          for (let ox = 0; ox < start; ox++) columns[o + ox] = 0;
          if (strideW === 1) {
            for (let ox = start; ox < end; ox++) columns[o + ox] = x[i + ox];
          } else {
            for (let ox = start; ox < end; ox++) columns[o + ox] = x[i + ox * strideW];
          }
          for (let ox = end; ox < outW; ox++) columns[o + ox] = 0;
        }
      }
    }
  }
}

/** `col2im` one output row at a time: any stride, dilation and padding. */
function col2imRows(
  columns: TypedArray,
  ld: number,
  column0: number,
  g: Geometry,
  n: number,
  group: number,
  dx: TypedArray,
): void {
  const { height, width, kernelH, kernelW, outH, outW } = g;
  const [strideH, strideW] = g.attrs.stride;
  const [dilationH, dilationW] = g.attrs.dilation;
  const [top, , left] = g.attrs.padding;
  let row = 0;
  for (let c = 0; c < g.groupChannels; c++) {
    const channelBase = (n * g.channels + group * g.groupChannels + c) * height * width;
    for (let ky = 0; ky < kernelH; ky++) {
      for (let kx = 0; kx < kernelW; kx++, row++) {
        const offsetX = kx * dilationW - left;
        const [start, end] = validRange(outW, strideW, offsetX, width);
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - top + ky * dilationH;
          if (iy < 0 || iy >= height) continue;
          const o = row * ld + column0 + oy * outW;
          const i = channelBase + iy * width + offsetX;
          for (let ox = start; ox < end; ox++) dx[i + ox * strideW] += columns[o + ox];
        }
      }
    }
  }
}

/*
 * With stride 1, no dilation and an output as wide as the input (padding 'same' and similar),
 * each columns row is the input plane shifted by (ky - top, kx - left). So it is one contiguous
 * copy of the plane, after which only the cells that wrapped around a row edge and the rows in
 * the padding need zeros. That replaces outH short row loops per tap with one block copy.
 */

function isShiftedPlane(g: Geometry): boolean {
  const { stride, dilation } = g.attrs;
  const unit = stride[0] === 1 && stride[1] === 1 && dilation[0] === 1 && dilation[1] === 1;
  return unit && g.outW === g.width;
}

/** The block of one tap's shifted plane that stays inside the input, in plane coordinates. */
interface ShiftedBlock {
  /** Output rows [rowStart, rowEnd) read input rows. */
  rowStart: number;
  rowEnd: number;
  /** Columns [0, lead) and [width - trail, width) of those rows read padding. */
  lead: number;
  trail: number;
  /** Offset from an output cell to its input cell. */
  shift: number;
}

function shiftedBlock(g: Geometry, ky: number, kx: number): ShiftedBlock {
  const shiftY = ky - g.attrs.padding[0];
  const shiftX = kx - g.attrs.padding[2];
  const rowStart = Math.min(g.outH, Math.max(0, -shiftY));
  const rowEnd = Math.max(rowStart, Math.min(g.outH, g.height - shiftY));
  const lead = Math.min(g.width, Math.max(0, -shiftX));
  const trail = Math.min(g.width - lead, Math.max(0, shiftX));
  return { rowStart, rowEnd, lead, trail, shift: shiftY * g.width + shiftX };
}

/** Sets the wrapped-around cells of a block's rows, in the columns row at `o`, to zero. */
function zeroWrapped(columns: TypedArray, o: number, b: ShiftedBlock, width: number): void {
  // Plain loops: these runs are a cell or two long, where a fill() call costs more than it saves.
  const { lead, trail } = b;
  for (let row = o + b.rowStart * width; row < o + b.rowEnd * width; row += width) {
    for (let i = 0; i < lead; i++) columns[row + i] = 0;
    for (let i = width - trail; i < width; i++) columns[row + i] = 0;
  }
}

function im2colShifted(
  x: TypedArray,
  g: Geometry,
  n: number,
  group: number,
  columns: TypedArray,
  ld: number,
  column0: number,
): void {
  const plane = g.height * g.width;
  const cells = g.outH * g.width;
  // The blocks depend only on the tap, so they are computed once for every channel.
  const blocks: ShiftedBlock[] = [];
  for (let ky = 0; ky < g.kernelH; ky++) {
    for (let kx = 0; kx < g.kernelW; kx++) blocks.push(shiftedBlock(g, ky, kx));
  }
  let row = 0;
  for (let c = 0; c < g.groupChannels; c++) {
    const channelBase = (n * g.channels + group * g.groupChannels + c) * plane;
    for (const b of blocks) {
      const o = row * ld + column0;
      row++;
      // Cells [first, last) of the output plane: the block without the wrapped ends, which
      // would read outside this channel's plane.
      const first = b.rowStart * g.width + b.lead;
      const last = Math.max(first, b.rowEnd * g.width - b.trail);
      zeroCells(columns, o, first);
      const source = channelBase + first + b.shift;
      columns.set(x.subarray(source, source + last - first), o + first);
      zeroCells(columns, o + last, cells - last);
      zeroWrapped(columns, o, b, g.width);
    }
  }
}

/** Sets `count` cells from `start` to zero: a loop for the short runs of padding, else fill(). */
function zeroCells(columns: TypedArray, start: number, count: number): void {
  if (count > 32) columns.fill(0, start, start + count);
  else for (let i = start; i < start + count; i++) columns[i] = 0;
}

function col2imShifted(
  columns: TypedArray,
  ld: number,
  column0: number,
  g: Geometry,
  n: number,
  group: number,
  dx: TypedArray,
): void {
  const plane = g.height * g.width;
  let row = 0;
  for (let c = 0; c < g.groupChannels; c++) {
    const channelBase = (n * g.channels + group * g.groupChannels + c) * plane;
    for (let ky = 0; ky < g.kernelH; ky++) {
      for (let kx = 0; kx < g.kernelW; kx++, row++) {
        const b = shiftedBlock(g, ky, kx);
        const o = row * ld + column0;
        // Zeroing the wrapped cells first lets one loop add the whole block.
        zeroWrapped(columns, o, b, g.width);
        const first = b.rowStart * g.width + b.lead;
        const last = Math.max(first, b.rowEnd * g.width - b.trail);
        const target = channelBase + b.shift;
        for (let cell = first; cell < last; cell++) dx[target + cell] += columns[o + cell];
      }
    }
  }
}
