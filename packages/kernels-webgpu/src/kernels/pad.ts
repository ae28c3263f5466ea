import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import type { Program, UniformDecl } from '../program/program';
import { contiguousStrides } from '../program/strides';
import { storageOf, type WebGPUStorage, wgslType } from '../storage';
import { storedBits } from './fill';

function padProgram(context: WebGPUContext, rank: number, dtype: WebGPUStorage['dtype']): Program {
  const size = context.workgroupSize;
  const type = wgslType(dtype);
  const uniforms: UniformDecl[] = [
    { name: 'count', type: 'u32' },
    { name: 'bits', type: 'u32' },
  ];
  const lines = [
    `let i = workgroup * ${size}u + local;`,
    'if (i >= params.count) { return; }',
    'var rest = i;',
    'var source = 0u;',
    'var inside = true;',
  ];
  for (let axis = rank - 1; axis >= 0; axis--) {
    for (const name of ['outShape', 'before', 'inShape', 'inStride']) {
      uniforms.push({ name: `${name}${axis}`, type: 'u32' });
    }
    lines.push(
      `let c${axis} = rest % params.outShape${axis};`,
      `rest = rest / params.outShape${axis};`,
      `inside = inside && c${axis} >= params.before${axis} && c${axis} - params.before${axis} < params.inShape${axis};`,
      `source = source + (c${axis} - params.before${axis}) * params.inStride${axis};`,
    );
  }
  const value = type === 'u32' ? 'params.bits' : `bitcast<${type}>(params.bits)`;
  lines.push(`if (inside) { result[i] = x[source]; } else { result[i] = ${value}; }`);
  return {
    key: `pad:${type}:r${rank}:wg${size}`,
    workgroupSize: [size, 1],
    bindings: [
      { name: 'x', element: type, access: 'read' },
      { name: 'result', element: type, access: 'read_write' },
    ],
    uniforms,
    shader: () => ({ main: lines.join('\n') }),
  };
}

/** Pads each axis with `paddings[i] = [before, after]` elements equal to `value`. */
export function pad(context: WebGPUContext, call: KernelCall<'Pad'>): WebGPUStorage {
  const [x] = call.inputs;
  const { paddings, value } = call.attrs;
  const { shape, dtype, size } = call.output;
  const result = context.allocate(size, dtype);
  if (size === 0) return result;
  const rank = shape.length;
  const inStrides = contiguousStrides(x.shape);
  const uniforms = [size, storedBits(value, dtype)];
  for (let axis = rank - 1; axis >= 0; axis--) {
    uniforms.push(shape[axis], paddings[axis][0], x.shape[axis], inStrides[axis]);
  }
  context.run(padProgram(context, rank, dtype), {
    workgroups: Math.ceil(size / context.workgroupSize),
    buffers: [context.whole(storageOf(x), 'Pad', 'input'), context.whole(result, 'Pad', 'output')],
    uniforms,
  });
  return result;
}
