import { type DType, getBackend, type Tensor, type TypedArray } from '@tessera/tensor';
import { expect } from 'vitest';
import { compareValues } from './compare';
import { makeTensor, runOp } from './execute';
import { generateValues } from './generate';
import { backendGradients, finiteDifferenceGradients } from './gradient';
import {
  type CaseInstance,
  floatInputPositions,
  forwardBound,
  generateInputs,
  gradientBound,
} from './instances';
import { evaluate, roundOutput } from './reference';
import { sizeOf } from './reference/tensor';
import type { FloatDType } from './types';

function liveBuffers(): number {
  return getBackend().memory().buffers;
}

function expectNoLeak(id: string, before: number, after: number): void {
  expect(after, `${id}: live buffers after the op, with inputs and outputs disposed`).toBe(before);
}

function failOnMismatch(message: string | null): void {
  if (message !== null) expect.fail(message);
}

/**
 * Runs the instance's op on the active backend and checks the output's shape, dtype and values
 * against the reference, then checks that disposing the inputs and the output frees every
 * buffer the op made.
 */
export async function checkValues(instance: CaseInstance): Promise<void> {
  const { id } = instance;
  const inputs = generateInputs(instance);
  const expected = roundOutput(evaluate(instance.call, inputs));
  const before = liveBuffers();
  const tensors = inputs.map((input) => makeTensor(input.data, input.shape, input.dtype));
  let output: Tensor | undefined;
  let actual: { shape: readonly number[]; dtype: DType; values: TypedArray };
  try {
    output = runOp(instance.call, tensors);
    actual = { shape: output.shape, dtype: output.dtype, values: await output.data() };
  } finally {
    output?.dispose();
    for (const t of tensors) t.dispose();
  }
  const after = liveBuffers();

  expect(actual.shape, `${id}: output shape`).toEqual(expected.shape);
  expect(actual.dtype, `${id}: output dtype`).toBe(expected.dtype);
  failOnMismatch(
    compareValues(id, expected.data, actual.values, expected.shape, forwardBound(instance)),
  );
  expectNoLeak(id, before, after);
}

/**
 * Compares the backend's autograd gradients of sum(op(inputs) * weights), with fixed random
 * weights, with finite differences of the float64 reference, and checks for leaked buffers.
 */
export async function checkGradients(instance: CaseInstance): Promise<void> {
  const id = `${instance.id}:grad`;
  const inputs = generateInputs(instance);
  const outputShape = evaluate(instance.call, inputs).shape;
  const weightValues = generateValues(
    { kind: 'uniform' },
    sizeOf(outputShape),
    instance.outputDType,
    `${instance.source.id}#weights`,
  );
  const expected = finiteDifferenceGradients(instance, inputs, weightValues);
  const before = liveBuffers();
  const tensors = inputs.map((input) => makeTensor(input.data, input.shape, input.dtype));
  const weights = makeTensor(weightValues, outputShape, instance.outputDType);
  let actual: Awaited<ReturnType<typeof backendGradients>>;
  try {
    actual = await backendGradients(instance, tensors, weights);
  } finally {
    weights.dispose();
    for (const t of tensors) t.dispose();
  }
  const after = liveBuffers();

  floatInputPositions(instance).forEach((position, k) => {
    const input = inputs[position];
    const what = `${id}: gradient of input ${position}`;
    expect(actual[k].shape, `${what}: shape`).toEqual(input.shape);
    expect(actual[k].dtype, `${what}: dtype`).toBe(input.dtype);
    const bound = gradientBound(instance, input.dtype as FloatDType);
    failOnMismatch(compareValues(what, expected[k], actual[k].values, input.shape, bound));
  });
  expectNoLeak(id, before, after);
}
