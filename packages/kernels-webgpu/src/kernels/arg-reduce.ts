import type { ArgReduceOp, KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { CONVERT_SNIPPETS, convertValue } from '../program/convert';
import type { Program } from '../program/program';
import {
  invocationPerRow,
  type RowLayout,
  rowFunctions,
  rowKey,
  rowLayout,
  rowUniforms,
  rowUniformValues,
} from '../program/rows';
import { storageOf, type WebGPUStorage, wgslType } from '../storage';

/**
 * WGSL for `better(a, ia, b, ib)`: whether candidate b (value, index) wins over a. NaN is the
 * extreme and otherwise the larger (argmax) or smaller (argmin) value wins; ties, NaN against
 * NaN included, go to the first index. An index of 0xffffffff marks an empty candidate.
 */
function betterFunction(op: ArgReduceOp, type: string, float: boolean): string {
  const wins = op === 'argmax' ? 'b > a' : 'b < a';
  const nanRule = float
    ? `
  let nanA = isNanF32(a);
  let nanB = isNanF32(b);
  if (nanA || nanB) { return nanB && (!nanA || ib < ia); }`
    : '';
  return `
fn better(a: ${type}, ia: u32, b: ${type}, ib: u32) -> bool {
  if (ib == 0xffffffffu) { return false; }
  if (ia == 0xffffffffu) { return true; }${nanRule}
  return ${wins} || (b == a && ib < ia);
}`;
}

function argReduceProgram(
  context: WebGPUContext,
  call: KernelCall<'ArgReduce'>,
  layout: RowLayout,
): Program {
  const size = context.workgroupSize;
  const { dtype } = call.inputs[0];
  const type = dtype === 'float32' ? 'f32' : 'i32';
  const load = (index: string): string =>
    convertValue(`x[${index}]`, dtype, dtype === 'float32' ? 'float32' : 'int32');
  const short = invocationPerRow(layout, size);
  const scan = `
let base = rowBase(row);
var best: ${type} = ${load('base')};
var bestIndex = 0xffffffffu;
for (var r = ${short ? '0u' : 'local'}; r < params.length; r = r + ${short ? '1u' : `${size}u`}) {
  let value = ${load('base + rowOffset(r)')};
  if (better(best, bestIndex, value, r)) {
    best = value;
    bestIndex = r;
  }
}`;
  const main = short
    ? `
let row = workgroup * ${size}u + local;
if (row >= params.rows) { return; }
${scan}
result[row] = i32(bestIndex);`
    : `
let row = workgroup;
// The workgroup index is the same for every invocation, so this exit leaves barriers uniform.
if (row >= params.rows) { return; }
${scan}
values[local] = best;
indices[local] = bestIndex;
workgroupBarrier();
for (var width = ${size / 2}u; width > 0u; width = width / 2u) {
  if (local < width && better(values[local], indices[local], values[local + width], indices[local + width])) {
    values[local] = values[local + width];
    indices[local] = indices[local + width];
  }
  workgroupBarrier();
}
if (local == 0u) { result[row] = i32(indices[0]); }`;
  const scratch = short
    ? ''
    : `var<workgroup> values: array<${type}, ${size}>;\nvar<workgroup> indices: array<u32, ${size}>;\n\n`;
  return {
    key: `argReduce:${call.attrs.op}:${dtype}:${rowKey(layout)}:${short ? 'short' : 'tree'}:wg${size}`,
    workgroupSize: [size, 1],
    bindings: [
      { name: 'x', element: wgslType(dtype), access: 'read' },
      { name: 'result', element: 'i32', access: 'read_write' },
    ],
    uniforms: rowUniforms(layout),
    shader: () => ({
      snippets: CONVERT_SNIPPETS,
      declarations: `${scratch}${betterFunction(call.attrs.op, type, dtype === 'float32').trim()}\n\n${rowFunctions(layout)}`,
      main,
    }),
  };
}

/**
 * Index (int32) of the first maximum or minimum along `axis`, NaN counting as the extreme. A row
 * is scanned by one invocation, or by one workgroup whose invocations scan interleaved elements
 * and then merge their candidates in a tree (see `invocationPerRow`).
 */
export function argReduce(context: WebGPUContext, call: KernelCall<'ArgReduce'>): WebGPUStorage {
  const [x] = call.inputs;
  const { size } = call.output;
  const result = context.allocate(size, 'int32');
  const layout = rowLayout(x.shape, [call.attrs.axis]);
  if (size === 0 || layout.length === 0) return result;
  const short = invocationPerRow(layout, context.workgroupSize);
  context.run(argReduceProgram(context, call, layout), {
    workgroups: short ? Math.ceil(layout.rows / context.workgroupSize) : layout.rows,
    buffers: [
      context.whole(storageOf(x), 'ArgReduce', 'input'),
      context.whole(result, 'ArgReduce', 'output'),
    ],
    uniforms: rowUniformValues(layout),
  });
  return result;
}
