import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import type { Program } from '../program/program';
import { sizeOf } from '../program/strides';
import { storageOf, type WebGPUStorage, wgslType } from '../storage';

function gatherProgram(context: WebGPUContext, dtype: WebGPUStorage['dtype']): Program {
  const size = context.workgroupSize;
  const type = wgslType(dtype);
  return {
    key: `gather:${type}:wg${size}`,
    workgroupSize: [size, 1],
    bindings: [
      { name: 'x', element: type, access: 'read' },
      { name: 'indices', element: 'i32', access: 'read' },
      { name: 'result', element: type, access: 'read_write' },
    ],
    uniforms: [
      { name: 'count', type: 'u32' },
      { name: 'inner', type: 'u32' },
      { name: 'picks', type: 'u32' },
      { name: 'length', type: 'u32' },
    ],
    shader: () => ({
      main: `
let i = workgroup * ${size}u + local;
if (i >= params.count) { return; }
let row = i / params.inner;
let outer = row / params.picks;
let index = u32(indices[row % params.picks]);
result[i] = x[(outer * params.length + index) * params.inner + i % params.inner];`,
    }),
  };
}

/**
 * Picks slices along `axis`: with x seen as [outer, length, inner] and the indices as a flat list
 * of `picks`, out[o, j, :] = x[o, indices[j], :]. The indices were range-checked by the caller.
 */
export function gather(context: WebGPUContext, call: KernelCall<'Gather'>): WebGPUStorage {
  const [x, indices] = call.inputs;
  const { axis } = call.attrs;
  const { size, dtype } = call.output;
  const result = context.allocate(size, dtype);
  if (size === 0) return result;
  const inner = sizeOf(x.shape.slice(axis + 1));
  context.run(gatherProgram(context, dtype), {
    workgroups: Math.ceil(size / context.workgroupSize),
    buffers: [
      context.whole(storageOf(x), 'Gather', 'input'),
      context.whole(storageOf(indices), 'Gather', 'indices'),
      context.whole(result, 'Gather', 'output'),
    ],
    uniforms: [size, inner, sizeOf(indices.shape), x.shape[axis]],
  });
  return result;
}
