import type { KernelCall, KernelInput } from '@tessera/tensor';
import { collapseAxes, offsetOf, sizeOf, stridesOf, unravel } from '../codegen/index-math';
import type { ProgramRunner } from '../program';
import { type GpuJsStorage, storageOf } from '../storage';
import { fillValue } from './elementwise';

/**
 * Returns the program body that copies `x0` (of `shape`) with its axes permuted: output axis j
 * is input axis perm[j].
 */
export function transposeBody(shape: readonly number[], perm: readonly number[]): string {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((axis) => shape[axis]);
  const collapsed = collapseAxes(outShape, [
    stridesOf(outShape),
    perm.map((axis) => inStrides[axis]),
  ]);
  const { code, coords } = unravel('i', collapsed.shape, 'c');
  return `${code}\nreturn x0[${offsetOf(coords, collapsed.strides[1])}];`;
}

export function transpose(runner: ProgramRunner, call: KernelCall<'Transpose'>): GpuJsStorage {
  const [input] = call.inputs;
  const body = transposeBody(input.shape, call.attrs.perm);
  return runner.run({ kernel: 'Transpose', inputs: [storageOf(input)], body }, call.output.size);
}

export function slice(runner: ProgramRunner, call: KernelCall<'Slice'>): GpuJsStorage {
  const [input] = call.inputs;
  const inStrides = stridesOf(input.shape);
  const start = call.attrs.begin.reduce((total, b, axis) => total + b * inStrides[axis], 0);
  const outShape = call.output.shape;
  const collapsed = collapseAxes(outShape, [stridesOf(outShape), inStrides]);
  const { code, coords } = unravel('i', collapsed.shape, 'c');
  const body = `${code}\nreturn x0[${offsetOf(coords, collapsed.strides[1], start)}];`;
  return runner.run({ kernel: 'Slice', inputs: [storageOf(input)], body }, call.output.size);
}

export function pad(runner: ProgramRunner, call: KernelCall<'Pad'>): GpuJsStorage {
  const [input] = call.inputs;
  const { paddings } = call.attrs;
  const inStrides = stridesOf(input.shape);
  const { code, coords } = unravel('i', call.output.shape, 'c');
  const outside: string[] = [];
  let start = 0;
  paddings.forEach(([before, after], axis) => {
    start -= before * inStrides[axis];
    if (before > 0) outside.push(`${coords[axis]} < ${before}`);
    if (after > 0) outside.push(`${coords[axis]} >= ${before + input.shape[axis]}`);
  });
  // An empty input leaves only padding; x0 is then never read.
  if (sizeOf(input.shape) === 0) outside.splice(0, outside.length, '1 == 1');
  const check = outside.length > 0 ? `if (${outside.join(' || ')}) {\nreturn padValue;\n}\n` : '';
  const body = `${code}\n${check}return x0[${offsetOf(coords, inStrides, start)}];`;
  const scalars = { padValue: fillValue(call.attrs.value, call.output.dtype) };
  const program = { kernel: 'Pad', inputs: [storageOf(input)], body, scalars };
  return runner.run(program, call.output.size);
}

/**
 * gpu.js gives each input a texture unit and WebGL guarantees only 8 in a fragment shader, so
 * a concat of more inputs runs in groups, each joining the previous result with the next ones.
 */
const MAX_CONCAT_INPUTS = 8;

/** Returns the body that joins `inputs` along `axis` into a tensor of `outShape`. */
function concatProgramBody(
  inputs: readonly KernelInput[],
  axis: number,
  outShape: readonly number[],
) {
  const inner = sizeOf(outShape.slice(axis + 1));
  const total = outShape[axis];
  const lines = [
    `const o = tsDiv(i, ${total * inner});`,
    `const rest = i - o * ${total * inner};`,
    `const c = tsDiv(rest, ${inner});`,
    `const e = rest - c * ${inner};`,
  ];
  let offset = 0;
  inputs.forEach((input, k) => {
    const length = input.shape[axis];
    const read = `x${k}[o * ${length * inner} + (c - ${offset}) * ${inner} + e]`;
    offset += length;
    lines.push(
      k === inputs.length - 1 ? `return ${read};` : `if (c < ${offset}) {\nreturn ${read};\n}`,
    );
  });
  return lines.join('\n');
}

/** Joins the inputs along `axis`; empty inputs add nothing and are never bound. */
export function concat(runner: ProgramRunner, call: KernelCall<'Concat'>): GpuJsStorage {
  const { axis } = call.attrs;
  const inputs = call.inputs.filter((input) => sizeOf(input.shape) > 0);
  if (inputs.length === 0 || call.output.size === 0) {
    return runner.run({ kernel: 'Concat', inputs: [], body: 'return 0;' }, call.output.size);
  }

  let joined: KernelInput = inputs[0];
  let pending = inputs.slice(1);
  let previous: GpuJsStorage | null = null;
  do {
    const group = [joined, ...pending.slice(0, MAX_CONCAT_INPUTS - 1)];
    pending = pending.slice(MAX_CONCAT_INPUTS - 1);
    const shape = [...joined.shape];
    shape[axis] = group.reduce((total, input) => total + input.shape[axis], 0);
    const body = concatProgramBody(group, axis, shape);
    const program = { kernel: 'Concat', inputs: group.map(storageOf), body };
    const storage = runner.run(program, sizeOf(shape));
    if (previous !== null) runner.release(previous);
    previous = storage;
    joined = { storage, shape, dtype: call.output.dtype };
  } while (pending.length > 0);
  return previous as GpuJsStorage;
}
