import type { Conv2DAttrs } from '@tessera/tensor';
import type { UniformDecl } from './program';
import { snippet } from './snippets';

/** The sizes of one NCHW convolution: x [batch, channels, height, width], weight [O, C / groups, kH, kW]. */
export interface ConvGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly outH: number;
  readonly outW: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly groups: number;
  /** Input channels per group, the weight's second axis. */
  readonly groupChannels: number;
  /** Output channels per group. */
  readonly groupOut: number;
}

export function convGeometry(
  xShape: readonly number[],
  weightShape: readonly number[],
  yShape: readonly number[],
  groups: number,
): ConvGeometry {
  const [batch, channels, height, width] = xShape;
  const [outChannels, groupChannels, kernelH, kernelW] = weightShape;
  return {
    batch,
    channels,
    height,
    width,
    outChannels,
    outH: yShape[2],
    outW: yShape[3],
    kernelH,
    kernelW,
    groups,
    groupChannels,
    groupOut: outChannels / groups,
  };
}

const CONV_UNIFORM_NAMES = [
  'groups',
  'groupChannels',
  'groupOut',
  'height',
  'width',
  'outH',
  'outW',
  'kernelH',
  'kernelW',
  'strideH',
  'strideW',
  'dilationH',
  'dilationW',
  'padTop',
  'padLeft',
] as const;

/** The geometry uniforms the convolution snippets read, in the order of `convUniformValues`. */
export const CONV_UNIFORMS: readonly UniformDecl[] = CONV_UNIFORM_NAMES.map((name) => ({
  name,
  type: 'u32',
}));

export function convUniformValues(g: ConvGeometry, attrs: Conv2DAttrs): number[] {
  const [top, , left] = attrs.padding;
  return [
    g.groups,
    g.groupChannels,
    g.groupOut,
    g.height,
    g.width,
    g.outH,
    g.outW,
    g.kernelH,
    g.kernelW,
    attrs.stride[0],
    attrs.stride[1],
    attrs.dilation[0],
    attrs.dilation[1],
    top,
    left,
  ];
}

/**
 * The input cell that output position (oy, ox) reads at kernel tap `tap` (ky * kernelW + kx).
 * Coordinates are signed. A cell in the padding is negative or at least the input's size, which
 * `insideInput` checks, so the bottom and right padding need no uniform.
 */
export const INPUT_CELL = snippet(
  'convInputCell',
  `
fn inputCell(oy: u32, ox: u32, tap: u32) -> vec2<i32> {
  let ky = tap / params.kernelW;
  let kx = tap % params.kernelW;
  let y = i32(oy * params.strideH + ky * params.dilationH) - i32(params.padTop);
  let x = i32(ox * params.strideW + kx * params.dilationW) - i32(params.padLeft);
  return vec2<i32>(y, x);
}

fn insideInput(cell: vec2<i32>) -> bool {
  return cell.x >= 0 && cell.x < i32(params.height) && cell.y >= 0 && cell.y < i32(params.width);
}
`,
);

/**
 * The inverse of `inputCell`: the flat position in the output plane whose tap `tap` reads input
 * cell (iy, ix), or -1 when the stride skips the cell or the position falls outside the output.
 */
export const OUTPUT_CELL = snippet(
  'convOutputCell',
  `
fn outputCell(iy: u32, ix: u32, tap: u32) -> i32 {
  let y = i32(iy + params.padTop) - i32((tap / params.kernelW) * params.dilationH);
  let x = i32(ix + params.padLeft) - i32((tap % params.kernelW) * params.dilationW);
  if (y < 0 || x < 0) { return -1; }
  let oy = u32(y) / params.strideH;
  let ox = u32(x) / params.strideW;
  if (oy * params.strideH != u32(y) || ox * params.strideW != u32(x)) { return -1; }
  if (oy >= params.outH || ox >= params.outW) { return -1; }
  return i32(oy * params.outW + ox);
}
`,
);
