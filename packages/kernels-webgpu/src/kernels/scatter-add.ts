import type { DType, KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import type { Program } from '../program/program';
import { sizeOf } from '../program/strides';
import { storageOf, type WebGPUStorage, wgslType } from '../storage';

/**
 * Returns the WGSL that adds one update into the output. WGSL has atomic add for integers only,
 * so a float32 add retries a compare-exchange on the value's bits until no other invocation wrote
 * in between. Bool accumulates as logical or.
 */
function accumulate(dtype: DType): { element: string; code: string } {
  if (dtype === 'int32') {
    return { element: 'atomic<i32>', code: 'atomicAdd(&result[destination], update);' };
  }
  if (dtype === 'bool') {
    return {
      element: 'atomic<u32>',
      code: 'atomicOr(&result[destination], select(0u, 1u, update != 0u));',
    };
  }
  return {
    element: 'atomic<u32>',
    code: `
var old = atomicLoad(&result[destination]);
loop {
  let sum = bitcast<u32>(bitcast<f32>(old) + update);
  let exchange = atomicCompareExchangeWeak(&result[destination], old, sum);
  if (exchange.exchanged) { break; }
  old = exchange.old_value;
}`,
  };
}

function scatterAddProgram(context: WebGPUContext, dtype: DType): Program {
  const size = context.workgroupSize;
  const { element, code } = accumulate(dtype);
  return {
    key: `scatterAdd:${dtype}:wg${size}`,
    workgroupSize: [size, 1],
    bindings: [
      { name: 'updates', element: wgslType(dtype), access: 'read' },
      { name: 'indices', element: 'i32', access: 'read' },
      { name: 'result', element, access: 'read_write' },
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
let destination = (outer * params.length + index) * params.inner + i % params.inner;
let update = updates[i];
${code.trim()}`,
    }),
  };
}

/**
 * Computes the adjoint of Gather: zeros of `output.shape` ([outer, length, inner]) with
 * out[o, indices[j], :] += updates[o, j, :]. One invocation per update adds it atomically, so
 * repeated indices accumulate; the order of float32 additions is not fixed.
 */
export function scatterAdd(context: WebGPUContext, call: KernelCall<'ScatterAdd'>): WebGPUStorage {
  const [updates, indices] = call.inputs;
  const { axis } = call.attrs;
  const { shape, dtype, size } = call.output;
  const result = context.allocate(size, dtype);
  if (size === 0) return result;
  const output = context.whole(result, 'ScatterAdd', 'output');
  context.clear(output);
  const count = sizeOf(updates.shape);
  if (count === 0) return result;
  context.run(scatterAddProgram(context, dtype), {
    workgroups: Math.ceil(count / context.workgroupSize),
    buffers: [
      context.whole(storageOf(updates), 'ScatterAdd', 'updates'),
      context.whole(storageOf(indices), 'ScatterAdd', 'indices'),
      output,
    ],
    uniforms: [count, sizeOf(shape.slice(axis + 1)), sizeOf(indices.shape), shape[axis]],
  });
  return result;
}
