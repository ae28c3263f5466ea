import { PRIMITIVE_KERNEL_NAMES } from '@tessera/tensor';
import { describe, expect, test } from 'vitest';
import { ALL_CASES } from '../src/cases';
import { finiteDifferenceGradients } from '../src/gradient';
import { generateInputs, gradientStatus, instantiate } from '../src/instances';
import { ARG_REDUCE_OPS, BINARY_OPS, DTYPE_LIST, REDUCE_OPS, UNARY_OPS } from '../src/ops';
import { evaluate } from '../src/reference';
import { sizeOf } from '../src/reference/tensor';
import type { ConformanceCase, OpName, Tag } from '../src/types';

/** The kernel each op name reaches. */
const KERNEL_OF: Record<OpName, string> = {
  unary: 'Unary',
  binary: 'Binary',
  cast: 'Cast',
  fill: 'Fill',
  expand: 'Expand',
  reduce: 'Reduce',
  argReduce: 'ArgReduce',
  matmul: 'MatMul',
  transpose: 'Transpose',
  slice: 'Slice',
  concat: 'Concat',
  pad: 'Pad',
  where: 'Where',
  gather: 'Gather',
  scatterAdd: 'ScatterAdd',
  softmax: 'Softmax',
  logSoftmax: 'LogSoftmax',
  softmaxComposite: 'Reduce',
  logSoftmaxComposite: 'Reduce',
};

const TAGS: readonly Tag[] = ['broadcast', 'empty', 'size1', 'odd', 'large', 'nan-inf', 'int'];

/** Cases without the `large` tag keep finite differences cheap. */
const SMALL_CASE_LIMIT = 4096;

function casesWith(predicate: (c: ConformanceCase) => boolean): ConformanceCase[] {
  return ALL_CASES.filter(predicate);
}

function inputElements(c: ConformanceCase): number {
  return c.inputs.reduce((total, input) => total + sizeOf(input.shape), 0);
}

describe('case table', () => {
  test('ids are unique and start with the op name', () => {
    const ids = ALL_CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const misnamed = ALL_CASES.filter((c) => c.id.split('/')[0] !== c.call.name);
    expect(misnamed.map((c) => c.id)).toEqual([]);
  });

  test('every primitive and fused kernel has cases', () => {
    const reached = new Set(ALL_CASES.map((c) => KERNEL_OF[c.call.name]));
    for (const kernel of [...PRIMITIVE_KERNEL_NAMES, 'Softmax', 'LogSoftmax']) {
      expect(reached.has(kernel), kernel).toBe(true);
    }
    for (const name of ['softmaxComposite', 'logSoftmaxComposite']) {
      expect(casesWith((c) => c.call.name === name).length, name).toBeGreaterThan(0);
    }
  });

  test('every op of every family has cases', () => {
    const opsOf = (name: OpName) =>
      new Set(casesWith((c) => c.call.name === name).map((c) => (c.call as { op: string }).op));
    for (const op of UNARY_OPS) expect(opsOf('unary').has(op), op).toBe(true);
    for (const op of BINARY_OPS) expect(opsOf('binary').has(op), op).toBe(true);
    for (const op of REDUCE_OPS) expect(opsOf('reduce').has(op), op).toBe(true);
    for (const op of ARG_REDUCE_OPS) expect(opsOf('argReduce').has(op), op).toBe(true);
  });

  test('casts cover every pair of distinct dtypes', () => {
    for (const from of DTYPE_LIST) {
      for (const to of DTYPE_LIST.filter((d) => d !== from)) {
        const found = casesWith(
          (c) => c.call.name === 'cast' && c.call.dtype === to && c.inputs[0].dtype === from,
        );
        expect(found.length, `${from} to ${to}`).toBeGreaterThan(0);
      }
    }
  });

  test('every tag is used by every family that can use it', () => {
    for (const tag of TAGS) {
      expect(casesWith((c) => c.tags.includes(tag)).length, tag).toBeGreaterThan(0);
    }
    const families = new Set(ALL_CASES.map((c) => c.call.name));
    for (const family of families) {
      const tags = new Set(casesWith((c) => c.call.name === family).flatMap((c) => c.tags));
      for (const tag of ['empty', 'size1', 'large'] as const) {
        expect(tags.has(tag), `${family} has a ${tag} case`).toBe(true);
      }
    }
  });

  test('only large cases exceed the small-case size', () => {
    const oversized = casesWith(
      (c) => !c.tags.includes('large') && inputElements(c) > SMALL_CASE_LIMIT,
    );
    expect(oversized.map((c) => c.id)).toEqual([]);
  });
});

describe('instances', () => {
  const instances = ALL_CASES.flatMap(instantiate);

  test('float cases run in float32 and float64', () => {
    const add = instances.filter((i) => i.source.id === 'binary/add').map((i) => i.id);
    expect(add).toEqual(['binary/add:float32', 'binary/add:float64']);
    const cast = instances.filter((i) => i.source.id === 'cast/int32-to-bool');
    expect(cast.map((i) => i.id)).toEqual(['cast/int32-to-bool']);
    expect(cast[0].dtypes).toEqual(['bool', 'int32']);
  });

  test('inputs depend on the case, not on the float dtype', () => {
    const [f32, f64] = instances.filter((i) => i.source.id === 'unary/exp');
    const a = generateInputs(f32)[0].data;
    const b = generateInputs(f64)[0].data;
    expect(Array.from(a)).toEqual(Array.from(b, Math.fround));
  });

  // These two walk every instance; a machine busy with parallel builds can take many seconds.
  const SLOW_TEST_TIMEOUT = 120_000;

  test(
    'the reference evaluates every small instance',
    () => {
      for (const instance of instances.filter((i) => !i.source.tags.includes('large'))) {
        const output = evaluate(instance.call, generateInputs(instance));
        expect(output.dtype, instance.id).toBe(instance.outputDType);
      }
    },
    SLOW_TEST_TIMEOUT,
  );

  test(
    'finite differences are finite for every gradient test',
    () => {
      for (const instance of instances.filter((i) => gradientStatus(i).kind === 'run')) {
        const inputs = generateInputs(instance);
        const outputSize = sizeOf(evaluate(instance.call, inputs).shape);
        const weights = new Float64Array(outputSize).fill(1);
        for (const gradient of finiteDifferenceGradients(instance, inputs, weights)) {
          expect(gradient.every(Number.isFinite), instance.id).toBe(true);
        }
      }
    },
    SLOW_TEST_TIMEOUT,
  );
});
