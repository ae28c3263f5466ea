import { BackendError, type KernelOutput } from '@tessera/tensor';
import type { BufferRange, WebGPUContext } from '../context';
import { type WebGPUStorage, wgslType } from '../storage';
import type { Program, UniformDecl } from './program';
import type { Snippet } from './snippets';
import { collapseAxes, contiguousStrides, offsetRange } from './strides';

/** One input of a strided map, read at `offset + sum(coordinate[i] * strides[i])`. */
export interface StridedOperand {
  readonly storage: WebGPUStorage;
  /** Element strides over the output's axes; 0 along broadcast axes. */
  readonly strides: readonly number[];
  /** Element offset of the output's first element in this operand. */
  readonly offset: number;
}

/** A kernel whose every output element is a function of one element of each operand. */
export interface StridedMap {
  /** Identifies `expression` in cache keys, dtypes included (for example `unary:exp:f32`). */
  readonly name: string;
  readonly operands: readonly StridedOperand[];
  readonly output: KernelOutput;
  /** The output element's value, given each operand's loaded element as a WGSL expression. */
  readonly expression: (values: readonly string[]) => string;
  readonly snippets?: readonly Snippet[];
  /** Extra scalars the expression reads as `params.<name>`. */
  readonly constants?: readonly { readonly decl: UniformDecl; readonly value: number }[];
}

type OperandMode = 's' | 'c' | 'g';

/**
 * Runs a strided map and returns the new output.
 *
 * The output is cut into chunks of at most one binding's size (the device's
 * maxStorageBufferBindingSize or the lower `maxBindingBytes`), one dispatch each. For every chunk,
 * each operand is bound over just the elements that chunk reads, so tensors larger than a binding
 * work whenever those parts fit.
 */
export function runStridedMap(context: WebGPUContext, map: StridedMap): WebGPUStorage {
  const { output } = map;
  const result = context.allocate(output.size, output.dtype);
  if (output.size === 0) return result;
  const collapsed = collapseAxes(output.shape, [
    ...map.operands.map((o) => o.strides),
    contiguousStrides(output.shape),
  ]);
  const modes = collapsed.strides
    .slice(0, map.operands.length)
    .map((s) => modeOf(s, collapsed.shape));
  const program = stridedMapProgram(context, map, collapsed.shape.length, modes);
  const alignment = context.limits.minStorageBufferOffsetAlignment / 4;
  const chunk = context.limits.bindingBytes / 4;
  for (let start = 0; start < output.size; start += chunk) {
    const count = Math.min(chunk, output.size - start);
    const buffers: BufferRange[] = [];
    const uniforms: number[] = [count, start, ...collapsed.shape];
    map.operands.forEach((operand, j) => {
      const strides = collapsed.strides[j];
      const [low, high] = offsetRange(collapsed.shape, strides, start, start + count - 1);
      const base = Math.floor((operand.offset + low) / alignment) * alignment;
      const size = (operand.offset + high + 1 - base) * 4;
      if (size > context.limits.bindingBytes) throw bindingTooLarge(map, j, size, context);
      buffers.push({ buffer: operand.storage.buffer, offset: base * 4, size });
      uniforms.push(operand.offset - base);
      if (modes[j] === 'g') uniforms.push(...strides);
    });
    buffers.push({ buffer: result.buffer, offset: start * 4, size: count * 4 });
    for (const c of map.constants ?? []) uniforms.push(c.value);
    context.run(program, {
      workgroups: Math.ceil(count / context.workgroupSize),
      buffers,
      uniforms,
    });
  }
  return result;
}

function modeOf(strides: readonly number[], shape: readonly number[]): OperandMode {
  if (strides.every((s) => s === 0)) return 's';
  const contiguous = contiguousStrides(shape);
  return strides.every((s, i) => s === contiguous[i]) ? 'c' : 'g';
}

function bindingTooLarge(
  map: StridedMap,
  operand: number,
  size: number,
  context: WebGPUContext,
): BackendError {
  return new BackendError(
    `webgpu: ${map.name} reads ${size} bytes of operand ${operand} for one chunk of its output, ` +
      `more than one storage binding may cover (${context.limits.bindingBytes} bytes, from ` +
      'maxStorageBufferBindingSize or the maxBindingBytes option)',
  );
}

function stridedMapProgram(
  context: WebGPUContext,
  map: StridedMap,
  rank: number,
  modes: readonly OperandMode[],
): Program {
  const size = context.workgroupSize;
  const uniforms: UniformDecl[] = [
    { name: 'count', type: 'u32' },
    { name: 'start', type: 'u32' },
  ];
  for (let i = 0; i < rank; i++) uniforms.push({ name: `shape${i}`, type: 'u32' });
  modes.forEach((mode, j) => {
    uniforms.push({ name: `origin${j}`, type: 'u32' });
    if (mode === 'g') {
      for (let i = 0; i < rank; i++) uniforms.push({ name: `stride${j}_${i}`, type: 'u32' });
    }
  });
  for (const c of map.constants ?? []) uniforms.push(c.decl);
  const types = map.operands.map((o) => wgslType(o.storage.dtype));
  const outType = wgslType(map.output.dtype);
  return {
    key: `map:${map.name}:${types.join(',')}>${outType}:${modes.join('')}:r${rank}:wg${size}`,
    workgroupSize: [size, 1],
    bindings: [
      ...types.map((element, j) => ({ name: `x${j}`, element, access: 'read' as const })),
      { name: 'result', element: outType, access: 'read_write' },
    ],
    uniforms,
    shader: () => ({
      snippets: map.snippets,
      main: stridedMapMain(size, rank, modes, map.expression),
    }),
  };
}

function stridedMapMain(
  size: number,
  rank: number,
  modes: readonly OperandMode[],
  expression: StridedMap['expression'],
): string {
  const lines = [
    `let i = workgroup * ${size}u + local;`,
    'if (i >= params.count) { return; }',
    'let index = params.start + i;',
  ];
  if (modes.includes('g')) {
    // Coordinates of the output element, last axis first.
    lines.push('var rest = index;');
    for (let axis = rank - 1; axis > 0; axis--) {
      lines.push(`let c${axis} = rest % params.shape${axis};`);
      lines.push(`rest = rest / params.shape${axis};`);
    }
    lines.push('let c0 = rest;');
  }
  const values = modes.map((mode, j) => {
    if (mode === 's') return `x${j}[params.origin${j}]`;
    if (mode === 'c') return `x${j}[params.origin${j} + index]`;
    const terms = Array.from({ length: rank }, (_, axis) => `c${axis} * params.stride${j}_${axis}`);
    return `x${j}[params.origin${j} + ${terms.join(' + ')}]`;
  });
  values.forEach((value, j) => {
    lines.push(`let v${j} = ${value};`);
  });
  lines.push(`result[i] = ${expression(values.map((_, j) => `v${j}`))};`);
  return lines.join('\n');
}
