import type { DType, KernelCall, KernelOutput } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { runStridedMap } from '../program/strided-map';
import { type WebGPUStorage, wgslType } from '../storage';

/**
 * Returns the 32 bits that store `value` as `dtype`, converted as the CPU backend converts it:
 * float32 rounds, int32 truncates and wraps (`value | 0`), and bool is 1 for any nonzero value,
 * NaN included.
 */
export function storedBits(value: number, dtype: DType): number {
  if (dtype === 'float32') return new Uint32Array(new Float32Array([value]).buffer)[0];
  if (dtype === 'int32') return (value | 0) >>> 0;
  return value !== 0 ? 1 : 0;
}

/** Creates a storage for `output` with every element equal to `value`. */
export function fillWith(
  context: WebGPUContext,
  output: KernelOutput,
  value: number,
): WebGPUStorage {
  const type = wgslType(output.dtype);
  return runStridedMap(context, {
    name: 'fill',
    operands: [],
    output,
    // The value arrives as bits, so NaN and infinities need no constant in the shader.
    expression: () => (type === 'u32' ? 'params.bits' : `bitcast<${type}>(params.bits)`),
    constants: [{ decl: { name: 'bits', type: 'u32' }, value: storedBits(value, output.dtype) }],
  });
}

/** Creates a buffer of `output.shape` with every element equal to `value`. */
export function fill(context: WebGPUContext, call: KernelCall<'Fill'>): WebGPUStorage {
  return fillWith(context, call.output, call.attrs.value);
}
