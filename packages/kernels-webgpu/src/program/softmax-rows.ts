import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { storageOf, type WebGPUStorage } from '../storage';
import { DIV, EXP_LOG } from './float-math';
import type { Program } from './program';
import {
  invocationPerRow,
  type RowLayout,
  rowFunctions,
  rowKey,
  rowLayout,
  rowUniforms,
  rowUniformValues,
} from './rows';
import { MIN_MAX_F32 } from './snippets';

/** WGSL that folds `scratch` into `scratch[0]` with `combine`, then gives it to every invocation as `name`. */
function treeFold(size: number, name: string, combine: (a: string, b: string) => string): string {
  return `
scratch[local] = ${name}Part;
workgroupBarrier();
for (var width = ${size / 2}u; width > 0u; width = width / 2u) {
  if (local < width) { scratch[local] = ${combine('scratch[local]', 'scratch[local + width]')}; }
  workgroupBarrier();
}
let ${name} = scratch[0];
// Everyone must read the result before scratch is reused.
workgroupBarrier();`;
}

/**
 * Builds the three sweeps over a row: its maximum (NaN propagates), the sum of exponentials, and
 * the outputs. Softmax shifts by the maximum, so a row of all -Infinity or one containing
 * +Infinity gives NaN, as in the CPU backend. Log-softmax shifts by 0 where the maximum is not
 * finite, exactly as x - logsumexp(x) does.
 */
function sweeps(size: number, short: boolean, log: boolean): string {
  const start = short ? '0u' : 'local';
  const step = short ? '1u' : `${size}u`;
  const loop = (body: string): string =>
    `for (var r = ${start}; r < params.length; r = r + ${step}) {\n  let i = base + rowOffset(r);\n  ${body}\n}`;
  const shift = log ? 'select(0.0, maximum, isFiniteF32(maximum))' : 'maximum';
  const write = log
    ? 'result[i] = (x[i] - shift) - logTotal;'
    : 'result[i] = divF32(expF32(x[i] - shift), total);';
  return [
    `var ${short ? 'maximum' : 'maximumPart'} = -infF32();`,
    loop(
      `${short ? 'maximum' : 'maximumPart'} = maxF32(${short ? 'maximum' : 'maximumPart'}, x[i]);`,
    ),
    short ? '' : treeFold(size, 'maximum', (a, b) => `maxF32(${a}, ${b})`),
    `let shift = ${shift};`,
    `var ${short ? 'total' : 'totalPart'} = 0.0;`,
    loop(
      `${short ? 'total' : 'totalPart'} = ${short ? 'total' : 'totalPart'} + expF32(x[i] - shift);`,
    ),
    short ? '' : treeFold(size, 'total', (a, b) => `${a} + ${b}`),
    // x - shift is exact near the maximum, so subtracting the two terms one after the other
    // keeps the digits that x - (shift + log(total)) would round away for large x.
    log ? 'let logTotal = logF32(total);' : '',
    loop(write),
  ]
    .filter((line) => line.length > 0)
    .join('\n');
}

function softmaxProgram(context: WebGPUContext, layout: RowLayout, log: boolean): Program {
  const size = context.workgroupSize;
  const short = invocationPerRow(layout, size);
  const main = short
    ? `let row = workgroup * ${size}u + local;\nif (row >= params.rows) { return; }`
    : 'let row = workgroup;\n// The workgroup index is the same for every invocation, so barriers stay uniform.\nif (row >= params.rows) { return; }';
  return {
    key: `${log ? 'logSoftmax' : 'softmax'}:${rowKey(layout)}:${short ? 'short' : 'tree'}:wg${size}`,
    workgroupSize: [size, 1],
    bindings: [
      { name: 'x', element: 'f32', access: 'read' },
      { name: 'result', element: 'f32', access: 'read_write' },
    ],
    uniforms: rowUniforms(layout),
    shader: () => ({
      snippets: [EXP_LOG, DIV, MIN_MAX_F32],
      declarations: `${short ? '' : `var<workgroup> scratch: array<f32, ${size}>;\n\n`}${rowFunctions(layout)}`,
      main: `${main}\nlet base = rowBase(row);\n${sweeps(size, short, log)}`,
    }),
  };
}

/** Softmax or log-softmax along `axis` of a float32 tensor. */
export function runSoftmax(
  context: WebGPUContext,
  call: KernelCall<'Softmax'> | KernelCall<'LogSoftmax'>,
  log: boolean,
): WebGPUStorage {
  const [x] = call.inputs;
  const { size } = call.output;
  const result = context.allocate(size, 'float32');
  if (size === 0) return result;
  const layout = rowLayout(x.shape, [call.attrs.axis]);
  const short = invocationPerRow(layout, context.workgroupSize);
  context.run(softmaxProgram(context, layout, log), {
    workgroups: short ? Math.ceil(layout.rows / context.workgroupSize) : layout.rows,
    buffers: [
      context.whole(storageOf(x), log ? 'LogSoftmax' : 'Softmax', 'input'),
      context.whole(result, log ? 'LogSoftmax' : 'Softmax', 'output'),
    ],
    uniforms: rowUniformValues(layout),
  });
  return result;
}
