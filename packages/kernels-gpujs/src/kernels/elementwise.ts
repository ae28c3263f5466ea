import { type KernelCall, ValueError } from '@tessera/tensor';
import { broadcastIndices } from '../codegen/broadcast';
import type { ProgramRunner } from '../program';
import { type GpuJsStorage, INT_LIMIT, storageOf } from '../storage';
import {
  BINARY_EXPRESSIONS,
  BOOL_SAFE_BINARY,
  BOOL_SAFE_UNARY,
  UNARY_EXPRESSIONS,
} from './elementwise-ops';

/** Stores nonzero values, NaN included, as 1. */
function asBool(expression: string): string {
  return `(${expression}) != 0 ? 1 : 0`;
}

export function unary(runner: ProgramRunner, call: KernelCall<'Unary'>): GpuJsStorage {
  const { op } = call.attrs;
  let expression = UNARY_EXPRESSIONS[op];
  if (call.output.dtype === 'bool' && !BOOL_SAFE_UNARY.has(op)) expression = asBool(expression);
  const body = `const v = x0[i];\nreturn ${expression};`;
  const inputs = [storageOf(call.inputs[0])];
  return runner.run({ kernel: 'Unary', inputs, body }, call.output.size);
}

export function binary(runner: ProgramRunner, call: KernelCall<'Binary'>): GpuJsStorage {
  const { op } = call.attrs;
  const [left, right] = call.inputs;
  const { code, indices } = broadcastIndices([left.shape, right.shape], call.output.shape);
  let expression = BINARY_EXPRESSIONS[op];
  if (call.output.dtype === 'bool' && !BOOL_SAFE_BINARY.has(op)) expression = asBool(expression);
  const body = [
    code,
    `const a = x0[${indices[0]}];`,
    `const b = x1[${indices[1]}];`,
    `return ${expression};`,
  ].join('\n');
  const inputs = [storageOf(left), storageOf(right)];
  return runner.run({ kernel: 'Binary', inputs, body }, call.output.size);
}

/**
 * Float to int32 truncates toward zero, with NaN and infinities giving 0 as a typed-array
 * store does. Any nonzero value, NaN included, casts to bool 1.
 */
export function cast(runner: ProgramRunner, call: KernelCall<'Cast'>): GpuJsStorage {
  const [input] = call.inputs;
  let expression = 'v';
  if (call.output.dtype === 'bool') expression = asBool('v');
  else if (call.output.dtype === 'int32' && input.dtype === 'float32') {
    expression = 'tsIsFinite(v) == 1 ? tsTrunc(v) : 0';
  }
  const body = `const v = x0[i];\nreturn ${expression};`;
  return runner.run({ kernel: 'Cast', inputs: [storageOf(input)], body }, call.output.size);
}

/** `value` converted as a cast to `dtype` would. */
export function fillValue(value: number, dtype: string): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype !== 'int32') return value;
  const whole = value | 0;
  if (Math.abs(whole) > INT_LIMIT) {
    throw new ValueError(
      `Fill: int32 value ${whole} is outside [-${INT_LIMIT}, ${INT_LIMIT}], the range the ` +
        'gpujs backend stores exactly (it keeps every dtype in float32)',
    );
  }
  return whole;
}

export function fill(runner: ProgramRunner, call: KernelCall<'Fill'>): GpuJsStorage {
  const value = fillValue(call.attrs.value, call.output.dtype);
  const program = {
    kernel: 'Fill',
    inputs: [],
    body: 'return fillValue;',
    scalars: { fillValue: value },
  };
  return runner.run(program, call.output.size);
}

export function expand(runner: ProgramRunner, call: KernelCall<'Expand'>): GpuJsStorage {
  const [input] = call.inputs;
  const { code, indices } = broadcastIndices([input.shape], call.output.shape);
  const body = `${code}\nreturn x0[${indices[0]}];`;
  return runner.run({ kernel: 'Expand', inputs: [storageOf(input)], body }, call.output.size);
}

export function where(runner: ProgramRunner, call: KernelCall<'Where'>): GpuJsStorage {
  const [condition, left, right] = call.inputs;
  const shapes = [condition.shape, left.shape, right.shape];
  const { code, indices } = broadcastIndices(shapes, call.output.shape);
  const body = [
    code,
    `if (x0[${indices[0]}] != 0) {\nreturn x1[${indices[1]}];\n}`,
    `return x2[${indices[2]}];`,
  ].join('\n');
  const inputs = call.inputs.map(storageOf);
  return runner.run({ kernel: 'Where', inputs, body }, call.output.size);
}
