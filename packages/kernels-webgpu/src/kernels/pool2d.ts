import {
  BackendError,
  type KernelCall,
  type KernelOutput,
  type Pool2DAttrs,
} from '@tessera/tensor';
import type { BufferRange, WebGPUContext } from '../context';
import type { BindingDecl, Program, UniformDecl } from '../program/program';
import { FLOAT_BITS, type Snippet, snippet } from '../program/snippets';
import { storageOf, type WebGPUStorage } from '../storage';

/*
 * Pooling over NCHW planes (plane = image * channels + channel), one invocation per output
 * element for the forward kernels and one per input element for the backward kernels. A backward
 * invocation visits every window containing its cell and gathers that window's share, so each
 * invocation writes only its own element and no atomics are needed.
 */

type AvgAttrs = Pool2DAttrs & { countIncludePad: boolean };

const POOL_UNIFORM_NAMES = [
  'count',
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
  'padBottom',
  'padLeft',
  'padRight',
  'countIncludePad',
] as const;

const POOL_UNIFORMS: readonly UniformDecl[] = POOL_UNIFORM_NAMES.map((name) => ({
  name,
  type: 'u32',
}));

/** Returns the uniform values in the order of `POOL_UNIFORM_NAMES`, for `count` invocations. */
function poolUniformValues(
  count: number,
  inShape: readonly number[],
  outShape: readonly number[],
  attrs: Pool2DAttrs,
  countIncludePad = false,
): number[] {
  const [top, bottom, left, right] = attrs.padding;
  return [
    count,
    inShape[2],
    inShape[3],
    outShape[2],
    outShape[3],
    ...attrs.kernelSize,
    ...attrs.stride,
    ...attrs.dilation,
    top,
    bottom,
    left,
    right,
    countIncludePad ? 1 : 0,
  ];
}

/**
 * The flat index in `x` of the first maximum in window (oy, ox) of `plane`, or -1 when the window
 * contains only padding. A NaN is the maximum, and the first NaN wins. The test avoids comparing
 * with NaN, because WGSL lets compilers assume that no value is NaN.
 */
const WINDOW_ARGMAX = snippet(
  'windowArgmax',
  `
fn windowArgmax(plane: u32, oy: u32, ox: u32) -> i32 {
  let top = i32(oy * params.strideH) - i32(params.padTop);
  let left = i32(ox * params.strideW) - i32(params.padLeft);
  var best = -1;
  var bestValue = 0.0;
  for (var ky = 0u; ky < params.kernelH; ky = ky + 1u) {
    let row = top + i32(ky * params.dilationH);
    if (row < 0 || row >= i32(params.height)) { continue; }
    for (var kx = 0u; kx < params.kernelW; kx = kx + 1u) {
      let column = left + i32(kx * params.dilationW);
      if (column < 0 || column >= i32(params.width)) { continue; }
      let index = i32((plane * params.height + u32(row)) * params.width + u32(column));
      let value = x[index];
      if (best < 0 || (!isNanF32(bestValue) && (isNanF32(value) || value > bestValue))) {
        best = index;
        bestValue = value;
      }
    }
  }
  return best;
}`,
  [FLOAT_BITS],
);

/**
 * The divisor of window (oy, ox)'s average. With countIncludePad it counts the window's cells
 * inside the padded input (as PyTorch, not those past the bottom and right padding), and
 * otherwise the cells inside the input. Windows are contiguous: avgPool2d has no dilation.
 */
const WINDOW_COUNT = snippet(
  'windowCount',
  `
fn windowCount(oy: u32, ox: u32) -> f32 {
  let top = i32(oy * params.strideH) - i32(params.padTop);
  let left = i32(ox * params.strideW) - i32(params.padLeft);
  let bottom = top + i32(params.kernelH);
  let right = left + i32(params.kernelW);
  if (params.countIncludePad != 0u) {
    let rows = min(bottom, i32(params.height + params.padBottom)) - top;
    let columns = min(right, i32(params.width + params.padRight)) - left;
    return f32(rows * columns);
  }
  let rows = min(bottom, i32(params.height)) - max(top, 0);
  let columns = min(right, i32(params.width)) - max(left, 0);
  return f32(rows * columns);
}`,
);

/** WGSL finding output element `i`'s plane and window position. */
const OUTPUT_POSITION = `
let ox = i % params.outW;
let oy = (i / params.outW) % params.outH;
let plane = i / (params.outW * params.outH);`;

/** WGSL finding input element `i`'s plane and cell. */
const INPUT_POSITION = `
let ix = i % params.width;
let iy = (i / params.width) % params.height;
let plane = i / (params.width * params.height);`;

/**
 * WGSL running `body` for each window (oy, ox) that contains input cell (iy, ix): for each tap,
 * the window whose tap lands on the cell, where the stride puts a window there.
 */
function forEachWindowContaining(body: string): string {
  return `
for (var ky = 0u; ky < params.kernelH; ky = ky + 1u) {
  let rowOffset = i32(iy + params.padTop) - i32(ky * params.dilationH);
  if (rowOffset < 0 || u32(rowOffset) % params.strideH != 0u) { continue; }
  let oy = u32(rowOffset) / params.strideH;
  if (oy >= params.outH) { continue; }
  for (var kx = 0u; kx < params.kernelW; kx = kx + 1u) {
    let columnOffset = i32(ix + params.padLeft) - i32(kx * params.dilationW);
    if (columnOffset < 0 || u32(columnOffset) % params.strideW != 0u) { continue; }
    let ox = u32(columnOffset) / params.strideW;
    if (ox >= params.outW) { continue; }
    ${body.trim()}
  }
}`;
}

interface PoolShader {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly snippets: readonly Snippet[];
  readonly main: string;
}

function poolProgram(context: WebGPUContext, shader: PoolShader): Program {
  const size = context.workgroupSize;
  const bindings: BindingDecl[] = shader.inputs.map((name) => ({
    name,
    element: 'f32',
    access: 'read',
  }));
  bindings.push({ name: 'result', element: 'f32', access: 'read_write' });
  return {
    key: `${shader.name}:wg${size}`,
    workgroupSize: [size, 1],
    bindings,
    uniforms: POOL_UNIFORMS,
    shader: () => ({
      snippets: shader.snippets,
      main: `let i = workgroup * ${size}u + local;\nif (i >= params.count) { return; }\n${shader.main.trim()}`,
    }),
  };
}

/** Records one invocation per element of `output` and returns the output's storage. */
function runPool(
  context: WebGPUContext,
  shader: PoolShader,
  output: KernelOutput,
  inputs: readonly BufferRange[],
  uniforms: readonly number[],
): WebGPUStorage {
  const result = context.allocate(output.size, output.dtype);
  if (output.size === 0) return result;
  context.run(poolProgram(context, shader), {
    workgroups: Math.ceil(output.size / context.workgroupSize),
    buffers: [...inputs, context.whole(result, shader.name, 'output')],
    uniforms,
  });
  return result;
}

const MAX_POOL: PoolShader = {
  name: 'MaxPool2D',
  inputs: ['x'],
  snippets: [WINDOW_ARGMAX],
  main: `${OUTPUT_POSITION}
let best = windowArgmax(plane, oy, ox);
if (best < 0) { result[i] = -infF32(); } else { result[i] = x[best]; }`,
};

const MAX_POOL_BACKWARD: PoolShader = {
  name: 'MaxPool2DBackward',
  inputs: ['dy', 'x'],
  snippets: [WINDOW_ARGMAX],
  main: `${INPUT_POSITION}
var sum = 0.0;
${forEachWindowContaining(`
if (windowArgmax(plane, oy, ox) == i32(i)) { sum = sum + dy[(plane * params.outH + oy) * params.outW + ox]; }`)}
result[i] = sum;`,
};

const AVG_POOL: PoolShader = {
  name: 'AvgPool2D',
  inputs: ['x'],
  snippets: [WINDOW_COUNT],
  main: `${OUTPUT_POSITION}
let top = i32(oy * params.strideH) - i32(params.padTop);
let left = i32(ox * params.strideW) - i32(params.padLeft);
let rowEnd = min(top + i32(params.kernelH), i32(params.height));
let columnEnd = min(left + i32(params.kernelW), i32(params.width));
var sum = 0.0;
for (var row = max(top, 0); row < rowEnd; row = row + 1) {
  let base = (plane * params.height + u32(row)) * params.width;
  for (var column = max(left, 0); column < columnEnd; column = column + 1) {
    sum = sum + x[base + u32(column)];
  }
}
result[i] = sum / windowCount(oy, ox);`,
};

const AVG_POOL_BACKWARD: PoolShader = {
  name: 'AvgPool2DBackward',
  inputs: ['dy'],
  snippets: [WINDOW_COUNT],
  main: `${INPUT_POSITION}
var sum = 0.0;
${forEachWindowContaining(`
sum = sum + dy[(plane * params.outH + oy) * params.outW + ox] / windowCount(oy, ox);`)}
result[i] = sum;`,
};

/** Takes the maximum over each window; NaN propagates, and padding never wins. */
export function maxPool2d(context: WebGPUContext, call: KernelCall<'MaxPool2D'>): WebGPUStorage {
  const [x] = call.inputs;
  const { output, attrs } = call;
  const uniforms = poolUniformValues(output.size, x.shape, output.shape, attrs);
  const inputs = [context.whole(storageOf(x), 'MaxPool2D', 'input')];
  return runPool(context, MAX_POOL, output, inputs, uniforms);
}

/** Sums into each input element the `dy` of every window whose first maximum it is. */
export function maxPool2dBackward(
  context: WebGPUContext,
  call: KernelCall<'MaxPool2DBackward'>,
): WebGPUStorage {
  const [dy, x] = call.inputs;
  const { output, attrs } = call;
  const uniforms = poolUniformValues(output.size, x.shape, dy.shape, attrs);
  const inputs = [
    context.whole(storageOf(dy), 'MaxPool2DBackward', 'output gradient'),
    context.whole(storageOf(x), 'MaxPool2DBackward', 'input'),
  ];
  return runPool(context, MAX_POOL_BACKWARD, output, inputs, uniforms);
}

/** Rejects dilation, which the divisor rules of `windowCount` do not cover. */
function checkUndilated(kernel: string, attrs: AvgAttrs): void {
  if (attrs.dilation[0] !== 1 || attrs.dilation[1] !== 1) {
    throw new BackendError(
      `webgpu: ${kernel} supports only dilation [1, 1], got [${attrs.dilation.join(', ')}]`,
    );
  }
}

/** Averages each window, dividing as `windowCount` describes. */
export function avgPool2d(context: WebGPUContext, call: KernelCall<'AvgPool2D'>): WebGPUStorage {
  const [x] = call.inputs;
  const { output, attrs } = call;
  checkUndilated('AvgPool2D', attrs);
  const uniforms = poolUniformValues(
    output.size,
    x.shape,
    output.shape,
    attrs,
    attrs.countIncludePad,
  );
  const inputs = [context.whole(storageOf(x), 'AvgPool2D', 'input')];
  return runPool(context, AVG_POOL, output, inputs, uniforms);
}

/** Spreads each window's `dy` evenly over the window's cells inside the input. */
export function avgPool2dBackward(
  context: WebGPUContext,
  call: KernelCall<'AvgPool2DBackward'>,
): WebGPUStorage {
  const [dy] = call.inputs;
  const { output, attrs } = call;
  checkUndilated('AvgPool2DBackward', attrs);
  const uniforms = poolUniformValues(
    output.size,
    output.shape,
    dy.shape,
    attrs,
    attrs.countIncludePad,
  );
  const inputs = [context.whole(storageOf(dy), 'AvgPool2DBackward', 'output gradient')];
  return runPool(context, AVG_POOL_BACKWARD, output, inputs, uniforms);
}
