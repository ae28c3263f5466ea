import type { DType, KernelCall, ReduceOp } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { CONVERT_SNIPPETS, convertValue } from '../program/convert';
import type { Program } from '../program/program';
import {
  denseRows,
  invocationPerRow,
  type RowLayout,
  rowFunctions,
  rowKey,
  rowLayout,
  rowUniforms,
  rowUniformValues,
} from '../program/rows';
import { INT_WRAP, MIN_MAX_F32 } from '../program/snippets';
import { storageOf, type WebGPUStorage, wgslType } from '../storage';
import { fillWith } from './fill';

/** Elements each invocation folds before the tree, so a workgroup covers 4 x its size. */
const PER_INVOCATION = 4;

type Accumulator = 'float32' | 'int32';

const COMBINE: Record<ReduceOp, Record<Accumulator, (a: string, b: string) => string>> = {
  sum: { float32: (a, b) => `${a} + ${b}`, int32: (a, b) => `addI32(${a}, ${b})` },
  prod: { float32: (a, b) => `${a} * ${b}`, int32: (a, b) => `mulI32(${a}, ${b})` },
  max: { float32: (a, b) => `maxF32(${a}, ${b})`, int32: (a, b) => `max(${a}, ${b})` },
  min: { float32: (a, b) => `minF32(${a}, ${b})`, int32: (a, b) => `min(${a}, ${b})` },
};

const IDENTITY_WGSL: Record<ReduceOp, Record<Accumulator, string>> = {
  sum: { float32: '0.0', int32: '0' },
  prod: { float32: '1.0', int32: '1' },
  max: { float32: '-infF32()', int32: 'bitcast<i32>(0x80000000u)' },
  min: { float32: 'infF32()', int32: '2147483647' },
};

const IDENTITY: Record<ReduceOp, number> = {
  sum: 0,
  prod: 1,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/** One pass: folds each row of `layout` in `source` (dtype `from`) into `target` (dtype `to`). */
interface Pass {
  readonly op: ReduceOp;
  readonly layout: RowLayout;
  readonly from: DType;
  readonly accumulator: Accumulator;
  readonly to: DType;
  /** Workgroups per row; each writes one partial result. 0 means one invocation per row. */
  readonly blocks: number;
}

function passProgram(context: WebGPUContext, pass: Pass): Program {
  const size = context.workgroupSize;
  const { op, layout, from, accumulator, to, blocks } = pass;
  const acc = wgslType(accumulator);
  const combine = COMBINE[op][accumulator];
  const load = (index: string): string => convertValue(`x[${index}]`, from, accumulator);
  const store = convertValue('value', accumulator, to);
  const identity = IDENTITY_WGSL[op][accumulator];
  const main =
    blocks === 0
      ? `
let row = workgroup * ${size}u + local;
if (row >= params.rows) { return; }
let base = rowBase(row);
var value: ${acc} = ${identity};
// Blocks of 16 bound the rounding error of a float32 sum by about 16 + length / 16 roundings
// instead of length.
for (var start = 0u; start < params.length; start = start + 16u) {
  var block: ${acc} = ${identity};
  for (var r = start; r < min(start + 16u, params.length); r = r + 1u) {
    block = ${combine('block', load('base + rowOffset(r)'))};
  }
  value = ${combine('value', 'block')};
}
result[row] = ${store};`
      : `
let row = workgroup / params.blocks;
// The workgroup index is the same for every invocation, so this exit leaves barriers uniform.
if (row >= params.rows) { return; }
let base = rowBase(row);
let first = (workgroup % params.blocks) * ${size * PER_INVOCATION}u + local;
var folded: ${acc} = ${identity};
for (var k = 0u; k < ${PER_INVOCATION}u; k = k + 1u) {
  let r = first + k * ${size}u;
  if (r < params.length) { folded = ${combine('folded', load('base + rowOffset(r)'))}; }
}
scratch[local] = folded;
workgroupBarrier();
// Pairwise tree: the rounding error grows with the depth, log2 of the row length.
for (var width = ${size / 2}u; width > 0u; width = width / 2u) {
  if (local < width) { scratch[local] = ${combine('scratch[local]', 'scratch[local + width]')}; }
  workgroupBarrier();
}
if (local == 0u) {
  let value = scratch[0];
  result[workgroup] = ${store};
}`;
  return {
    key: `reduce:${op}:${from}>${accumulator}>${to}:${rowKey(layout)}:b${blocks > 0 ? 1 : 0}:wg${size}`,
    workgroupSize: [size, 1],
    bindings: [
      { name: 'x', element: wgslType(from), access: 'read' },
      { name: 'result', element: wgslType(to), access: 'read_write' },
    ],
    uniforms: [...rowUniforms(layout), { name: 'blocks', type: 'u32' }],
    shader: () => ({
      snippets: [...CONVERT_SNIPPETS, INT_WRAP, MIN_MAX_F32],
      declarations: `${blocks > 0 ? `var<workgroup> scratch: array<${acc}, ${size}>;\n\n` : ''}${rowFunctions(layout)}`,
      main,
    }),
  };
}

/** Records one pass reading `source` and returns its output (partials or the final result). */
function runPass(
  context: WebGPUContext,
  pass: Pass,
  source: WebGPUStorage,
  outputDtype: DType,
): WebGPUStorage {
  const { layout, blocks } = pass;
  const count = blocks === 0 ? layout.rows : layout.rows * blocks;
  const target = context.allocate(count, outputDtype);
  const workgroups = blocks === 0 ? Math.ceil(count / context.workgroupSize) : count;
  context.run(passProgram(context, pass), {
    workgroups,
    buffers: [context.whole(source, 'Reduce', 'input'), context.whole(target, 'Reduce', 'output')],
    uniforms: [...rowUniformValues(layout), Math.max(blocks, 1)],
  });
  return target;
}

/**
 * Reduces `axes` away. Rows are folded by one invocation each, or (see `invocationPerRow`) by
 * workgroup trees in passes. Each pass turns every row into one partial per block of
 * 4 x workgroup-size elements, until one value per row is left. A float32 sum is therefore as
 * accurate as pairwise summation.
 */
export function reduce(context: WebGPUContext, call: KernelCall<'Reduce'>): WebGPUStorage {
  const [x] = call.inputs;
  const { op, axes } = call.attrs;
  const { dtype, size } = call.output;
  let layout = rowLayout(x.shape, axes);
  if (size > 0 && layout.length === 0) {
    return fillWith(context, call.output, IDENTITY[op]);
  }
  if (size === 0) return context.allocate(0, dtype);
  const accumulator: Accumulator = x.dtype === 'float32' ? 'float32' : 'int32';
  let source = storageOf(x);
  let from = x.dtype;
  for (;;) {
    const span = context.workgroupSize * PER_INVOCATION;
    const blocks = invocationPerRow(layout, context.workgroupSize)
      ? 0
      : Math.ceil(layout.length / span);
    const last = blocks <= 1;
    const pass: Pass = { op, layout, from, accumulator, to: last ? dtype : accumulator, blocks };
    const output = runPass(context, pass, source, pass.to);
    if (source !== storageOf(x)) context.release(source);
    if (last) return output;
    source = output;
    from = accumulator;
    layout = denseRows(layout.rows, blocks);
  }
}
