import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import type { Program } from '../program/program';
import { sizeOf } from '../program/strides';
import { storageOf, type WebGPUStorage, wgslType } from '../storage';

function blockCopyProgram(context: WebGPUContext, dtype: WebGPUStorage['dtype']): Program {
  const size = context.workgroupSize;
  const type = wgslType(dtype);
  return {
    key: `concat:${type}:wg${size}`,
    workgroupSize: [size, 1],
    bindings: [
      { name: 'x', element: type, access: 'read' },
      { name: 'result', element: type, access: 'read_write' },
    ],
    uniforms: [
      { name: 'count', type: 'u32' },
      { name: 'block', type: 'u32' },
      { name: 'outBlock', type: 'u32' },
      { name: 'offset', type: 'u32' },
    ],
    shader: () => ({
      main: `
let i = workgroup * ${size}u + local;
if (i >= params.count) { return; }
let outer = i / params.block;
result[outer * params.outBlock + params.offset + i % params.block] = x[i];`,
    }),
  };
}

/**
 * Joins the inputs along `axis`. Seen as [outer, block] matrices, each input's rows land side by
 * side in the output's rows. Each input gets its own dispatch, so any number of inputs works.
 */
export function concat(context: WebGPUContext, call: KernelCall<'Concat'>): WebGPUStorage {
  const { axis } = call.attrs;
  const { shape, dtype, size } = call.output;
  const result = context.allocate(size, dtype);
  if (size === 0) return result;
  const inner = sizeOf(shape.slice(axis + 1));
  const outBlock = shape[axis] * inner;
  const output = context.whole(result, 'Concat', 'output');
  const program = blockCopyProgram(context, dtype);
  let offset = 0;
  for (const input of call.inputs) {
    const block = input.shape[axis] * inner;
    const count = sizeOf(input.shape);
    if (count > 0) {
      context.run(program, {
        workgroups: Math.ceil(count / context.workgroupSize),
        buffers: [context.whole(storageOf(input), 'Concat', 'input'), output],
        uniforms: [count, block, outBlock, offset],
      });
    }
    offset += block;
  }
  return result;
}
