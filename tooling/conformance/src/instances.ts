import type { DType } from '@tessera/tensor';
import { type Bound, DEFAULT_GRADIENT_TOLERANCES, DEFAULT_TOLERANCES } from './compare';
import { generateValues } from './generate';
import { isFloat, planCall } from './reference/dtype-rules';
import { type RefTensor, sizeOf } from './reference/tensor';
import type { CaseDType, ConformanceCase, FloatDType, Generator, OpCall } from './types';

export const FLOAT_DTYPES: readonly FloatDType[] = ['float32', 'float64'];

/** One input of an instance, with a concrete dtype. */
export interface InstanceInput {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly generator: Generator;
}

/** A case with its `float` placeholders replaced: what one test runs. */
export interface CaseInstance {
  /** The case id, plus `:float32` or `:float64` when the case is parametrised by float dtype. */
  readonly id: string;
  readonly source: ConformanceCase;
  readonly floatDType: FloatDType | null;
  readonly call: OpCall;
  readonly inputs: readonly InstanceInput[];
  readonly outputDType: DType;
  /** Every dtype the instance touches: inputs, the casts the tensor layer inserts, the output. */
  readonly dtypes: readonly DType[];
}

function usesFloatPlaceholder(c: ConformanceCase): boolean {
  const call = c.call as { dtype?: CaseDType };
  return call.dtype === 'float' || c.inputs.some((input) => input.dtype === 'float');
}

function resolve(dtype: CaseDType, floatDType: FloatDType | null): DType {
  if (dtype !== 'float') return dtype;
  if (floatDType === null) throw new TypeError('conformance: no float dtype to resolve');
  return floatDType;
}

function resolveCall(call: OpCall, floatDType: FloatDType | null): OpCall {
  if (call.name === 'cast' || call.name === 'fill') {
    return { ...call, dtype: resolve(call.dtype, floatDType) };
  }
  return call;
}

function makeInstance(c: ConformanceCase, floatDType: FloatDType | null): CaseInstance {
  const inputs = c.inputs.map((input) => ({ ...input, dtype: resolve(input.dtype, floatDType) }));
  const call = resolveCall(c.call, floatDType);
  const inputDTypes = inputs.map((input) => input.dtype);
  const plan = planCall(call, inputDTypes);
  return {
    id: floatDType === null ? c.id : `${c.id}:${floatDType}`,
    source: c,
    floatDType,
    call,
    inputs,
    outputDType: plan.output,
    dtypes: [...new Set([...inputDTypes, ...plan.dtypes])].sort(),
  };
}

/** Returns the instances of a case: one per float dtype when it uses `float`, else one. */
export function instantiate(c: ConformanceCase): CaseInstance[] {
  if (!usesFloatPlaceholder(c)) return [makeInstance(c, null)];
  return FLOAT_DTYPES.map((floatDType) => makeInstance(c, floatDType));
}

/**
 * Generates the instance's input values. The seed depends on the case id and the input's
 * position only, so the float32 and float64 instances of a case get the same values (rounded
 * for float32).
 */
export function generateInputs(instance: CaseInstance): RefTensor[] {
  return instance.inputs.map((input, i) => ({
    shape: input.shape,
    dtype: input.dtype,
    data: generateValues(
      input.generator,
      sizeOf(input.shape),
      input.dtype,
      `${instance.source.id}#${i}`,
    ),
  }));
}

export function forwardBound(instance: CaseInstance): Bound {
  const dtype = instance.outputDType;
  if (!isFloat(dtype)) return 'exact';
  const floatDType = dtype as FloatDType;
  return instance.source.tolerance?.[floatDType] ?? DEFAULT_TOLERANCES[floatDType];
}

export function gradientBound(instance: CaseInstance, inputDType: FloatDType): Bound {
  return instance.source.gradientTolerance?.[inputDType] ?? DEFAULT_GRADIENT_TOLERANCES[inputDType];
}

/** Returns the positions of the float inputs, which gradients are taken with respect to. */
export function floatInputPositions(instance: CaseInstance): number[] {
  return instance.inputs.flatMap((input, i) => (isFloat(input.dtype) ? [i] : []));
}

/**
 * Returns whether the instance gets a gradient test, and if so whether it is skipped (with the
 * reason). Every op with a float input and a float output is differentiable in autograd.
 */
export function gradientStatus(
  instance: CaseInstance,
):
  | { readonly kind: 'none' }
  | { readonly kind: 'run' }
  | { readonly kind: 'skip'; reason: string } {
  if (!isFloat(instance.outputDType) || floatInputPositions(instance).length === 0) {
    return { kind: 'none' };
  }
  const { noGradient, tags } = instance.source;
  if (noGradient !== undefined) return { kind: 'skip', reason: noGradient };
  if (tags.includes('nan-inf')) {
    return { kind: 'skip', reason: 'finite differences are undefined at special values' };
  }
  if (tags.includes('large')) {
    return {
      kind: 'skip',
      reason: 'finite differences cost two reference evaluations per input element',
    };
  }
  return { kind: 'run' };
}
