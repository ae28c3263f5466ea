import type { Conv2DAttrs, KernelCall } from '@tessera/tensor';
import { partOf, unravel, windowPosition } from '../codegen/index-math';
import type { ProgramRunner } from '../program';
import { type GpuJsStorage, storageOf } from '../storage';
import { sumParts } from './reduce';

/*
 * Direct convolution, one output element per fragment, NCHW. x is [N, C, H, W], the weight
 * [O, C / groups, kH, kW] and dy [N, O, outH, outW]. Each kernel loops over the elements its
 * output element depends on and skips those that fall in the padding.
 */

interface Geometry {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  outH: number;
  outW: number;
  /** Input and output channels per group. */
  cg: number;
  og: number;
  attrs: Conv2DAttrs;
}

function geometry(
  x: readonly number[],
  weight: readonly number[],
  y: readonly number[],
  attrs: Conv2DAttrs,
): Geometry {
  const [n, c, h, w] = x;
  const [o, cg, kh, kw] = weight;
  return { n, c, h, w, o, kh, kw, outH: y[2], outW: y[3], cg, og: o / attrs.groups, attrs };
}

function loop(counter: string, count: number, body: string): string {
  return `for (let ${counter} = 0; ${counter} < ${count}; ${counter}++) {\n${body}\n}`;
}

/** Lines that set `iy` and `ix`, the input cell that output (oy, ox) reads through tap (ky, kx). */
function inputPosition(g: Geometry): string {
  const [sh, sw] = g.attrs.stride;
  const [dh, dw] = g.attrs.dilation;
  const [top, , left] = g.attrs.padding;
  return [
    `const iy = oy * ${sh} - ${top} + ky * ${dh};`,
    `const ix = ox * ${sw} - ${left} + kx * ${dw};`,
  ].join('\n');
}

const INSIDE = (g: Geometry) => `iy >= 0 && iy < ${g.h} && ix >= 0 && ix < ${g.w}`;

export function conv2d(runner: ProgramRunner, call: KernelCall<'Conv2D'>): GpuJsStorage {
  const [x, weight] = call.inputs;
  const g = geometry(x.shape, weight.shape, call.output.shape, call.attrs);
  if (g.cg * g.kh * g.kw === 0 || call.output.size === 0) {
    return runner.run({ kernel: 'Conv2D', inputs: [], body: 'return 0;' }, call.output.size);
  }

  const { code, coords } = unravel('i', [g.n, g.o, g.outH, g.outW], 'p');
  const [b, o, oy, ox] = coords;
  const read = [
    inputPosition(g),
    `if (${INSIDE(g)}) {`,
    `const xIndex = ((xPlane + c) * ${g.h} + iy) * ${g.w} + ix;`,
    `const wIndex = ((${o} * ${g.cg} + c) * ${g.kh} + ky) * ${g.kw} + kx;`,
    'acc = acc + x0[xIndex] * x1[wIndex];\n}',
  ].join('\n');
  const body = [
    code,
    `const oy = ${oy};\nconst ox = ${ox};`,
    `const xPlane = ${b} * ${g.c} + tsDiv(${o}, ${g.og}) * ${g.cg};`,
    'let acc = 0;',
    loop('c', g.cg, loop('ky', g.kh, loop('kx', g.kw, read))),
    'return acc;',
  ].join('\n');
  const inputs = [storageOf(x), storageOf(weight)];
  return runner.run({ kernel: 'Conv2D', inputs, body }, call.output.size);
}

/**
 * Computes dx[b, c, iy, ix]: dy * weight summed over every output position and tap that read
 * the cell.
 */
export function conv2dBackpropInput(
  runner: ProgramRunner,
  call: KernelCall<'Conv2DBackpropInput'>,
): GpuJsStorage {
  const kernel = 'Conv2DBackpropInput';
  const [dy, weight] = call.inputs;
  const g = geometry(call.output.shape, weight.shape, dy.shape, call.attrs);
  if (g.og * g.kh * g.kw * g.outH * g.outW === 0 || call.output.size === 0) {
    return runner.run({ kernel, inputs: [], body: 'return 0;' }, call.output.size);
  }

  const [sh, sw] = g.attrs.stride;
  const [dh, dw] = g.attrs.dilation;
  const [top, , left] = g.attrs.padding;
  const { code, coords } = unravel('i', [g.n, g.c, g.h, g.w], 'p');
  const [b, c, iy, ix] = coords;
  const read = [
    `const ty = ${iy} + ${top} - ky * ${dh};`,
    `const tx = ${ix} + ${left} - kx * ${dw};`,
    windowPosition('oy', 'ty', sh, g.outH),
    windowPosition('ox', 'tx', sw, g.outW),
    `const o = group * ${g.og} + oo;`,
    `const dyIndex = ((${b} * ${g.o} + o) * ${g.outH} + oy) * ${g.outW} + ox;`,
    `const wIndex = ((o * ${g.cg} + cc) * ${g.kh} + ky) * ${g.kw} + kx;`,
    'acc = acc + x0[dyIndex] * x1[wIndex];',
    '}\n}',
  ].join('\n');
  const body = [
    code,
    `const group = tsDiv(${c}, ${g.cg});`,
    `const cc = ${c} - group * ${g.cg};`,
    'let acc = 0;',
    loop('oo', g.og, loop('ky', g.kh, loop('kx', g.kw, read))),
    'return acc;',
  ].join('\n');
  const inputs = [storageOf(dy), storageOf(weight)];
  return runner.run({ kernel, inputs, body }, call.output.size);
}

/**
 * The maximum number of terms one filter-gradient element sums in one pass. An element sums
 * over every image and output position, so for larger batches the images are split into
 * groups whose partial sums a second pass adds up.
 */
const FILTER_SPLIT = 16384;

/**
 * dw[o, c, ky, kx] summed over output positions and the images of part `part`:
 * [part * images, (part + 1) * images), clipped to the batch.
 */
function filterBody(g: Geometry, images: number): string {
  const { code, coords } = unravel('e', [g.o, g.cg, g.kh, g.kw], 'p');
  const [o, c, ky, kx] = coords;
  const read = [
    inputPosition(g),
    `if (${INSIDE(g)}) {`,
    `const xIndex = ((b * ${g.c} + xChannel) * ${g.h} + iy) * ${g.w} + ix;`,
    `const dyIndex = ((b * ${g.o} + ${o}) * ${g.outH} + oy) * ${g.outW} + ox;`,
    'acc = acc + x0[xIndex] * x1[dyIndex];\n}',
  ].join('\n');
  const image = `const b = part * ${images} + bb;\nif (b >= ${g.n}) {\nbreak;\n}`;
  return [
    code,
    `const ky = ${ky};\nconst kx = ${kx};`,
    `const xChannel = tsDiv(${o}, ${g.og}) * ${g.cg} + ${c};`,
    'let acc = 0;',
    loop('bb', images, `${image}\n${loop('oy', g.outH, loop('ox', g.outW, read))}`),
    'return acc;',
  ].join('\n');
}

export function conv2dBackpropFilter(
  runner: ProgramRunner,
  call: KernelCall<'Conv2DBackpropFilter'>,
): GpuJsStorage {
  const kernel = 'Conv2DBackpropFilter';
  const [x, dy] = call.inputs;
  const g = geometry(x.shape, call.output.shape, dy.shape, call.attrs);
  const size = call.output.size;
  const perImage = g.outH * g.outW;
  if (g.n * perImage === 0 || size === 0) {
    return runner.run({ kernel, inputs: [], body: 'return 0;' }, size);
  }

  const images = Math.min(g.n, Math.max(1, Math.floor(FILTER_SPLIT / perImage)));
  const parts = Math.ceil(g.n / images);
  const body = `${partOf(parts, size)}\n${filterBody(g, images)}`;
  const inputs = [storageOf(x), storageOf(dy)];
  const partials = runner.run({ kernel, inputs, body }, parts * size);
  return sumParts(runner, kernel, partials, parts, size);
}
