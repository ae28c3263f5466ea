import type { DType } from '@tessera/tensor';
import { describe, expect, test } from 'vitest';
import { evaluate, type RefTensor, roundOutput } from '../src/reference';
import { powC, roundHalfEven } from '../src/reference/elementwise';
import type { OpCall } from '../src/types';

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

function t(shape: number[], dtype: DType, values: number[]): RefTensor {
  return { shape, dtype, data: Float64Array.from(values) };
}

function run(
  call: OpCall,
  ...inputs: RefTensor[]
): { shape: number[]; dtype: DType; values: number[] } {
  const out = roundOutput(evaluate(call, inputs));
  return { shape: [...out.shape], dtype: out.dtype, values: Array.from(out.data) };
}

describe('elementwise reference', () => {
  test('round goes half to even', () => {
    const inputs = [0.5, 1.5, 2.5, -0.5, -2.5, 2.4, -2.6, INF];
    expect(inputs.map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, -3, INF]);
  });

  test('pow follows C at 1 and -1', () => {
    expect(powC(1, NAN)).toBe(1);
    expect(powC(NAN, 0)).toBe(1);
    expect(powC(-1, -INF)).toBe(1);
    expect(powC(-1, NAN)).toBeNaN();
    expect(powC(-8, 1 / 3)).toBeNaN();
    expect(powC(-0, -1)).toBe(-INF);
  });

  test('binary broadcasts a column against a row', () => {
    const out = run(
      { name: 'binary', op: 'sub' },
      t([2, 1], 'float64', [10, 20]),
      t([3], 'float64', [1, 2, 3]),
    );
    expect(out.shape).toEqual([2, 3]);
    expect(out.values).toEqual([9, 8, 7, 19, 18, 17]);
  });

  test('int32 arithmetic wraps', () => {
    const add = run(
      { name: 'binary', op: 'add' },
      t([2], 'int32', [2147483647, -2147483648]),
      t([2], 'int32', [1, -1]),
    );
    expect(add.values).toEqual([-2147483648, 2147483647]);
    const mul = run(
      { name: 'binary', op: 'mul' },
      t([2], 'int32', [65536, 46341]),
      t([2], 'int32', [65536, 46341]),
    );
    expect(mul.values).toEqual([0, -2147479015]);
    const neg = run({ name: 'unary', op: 'neg' }, t([1], 'int32', [-2147483648]));
    expect(neg.values).toEqual([-2147483648]);
  });

  test('dtype rules match the tensor layer', () => {
    const ints = t([2], 'int32', [7, 2]);
    expect(run({ name: 'binary', op: 'div' }, ints, ints).dtype).toBe('float32');
    expect(run({ name: 'binary', op: 'less' }, ints, ints).dtype).toBe('bool');
    const bools = t([2], 'bool', [1, 1]);
    const sum = run({ name: 'binary', op: 'add' }, bools, bools);
    expect(sum.dtype).toBe('int32');
    expect(sum.values).toEqual([2, 2]);
    expect(run({ name: 'unary', op: 'exp' }, ints).dtype).toBe('float32');
    expect(run({ name: 'unary', op: 'neg' }, bools).dtype).toBe('int32');
  });

  test('comparisons with NaN are false except notEqual', () => {
    const a = t([2], 'float32', [NAN, 1]);
    const b = t([2], 'float32', [NAN, NAN]);
    expect(run({ name: 'binary', op: 'equal' }, a, b).values).toEqual([0, 0]);
    expect(run({ name: 'binary', op: 'notEqual' }, a, b).values).toEqual([1, 1]);
    expect(run({ name: 'binary', op: 'maximum' }, a, b).values).toEqual([NAN, NAN]);
  });

  test('cast truncates toward zero and rounds to float32', () => {
    const floats = t([3], 'float64', [-2.7, 2.7, 16777217]);
    expect(run({ name: 'cast', dtype: 'int32' }, floats).values).toEqual([-2, 2, 16777217]);
    expect(run({ name: 'cast', dtype: 'float32' }, floats).values[2]).toBe(16777216);
    expect(
      run({ name: 'cast', dtype: 'bool' }, t([3], 'float32', [NAN, -0, 1e-30])).values,
    ).toEqual([1, 0, 1]);
  });

  test('where picks without touching the other branch', () => {
    const out = run(
      { name: 'where' },
      t([2], 'bool', [1, 0]),
      t([2], 'float32', [1, NAN]),
      t([], 'float32', [5]),
    );
    expect(out.values).toEqual([1, 5]);
  });
});

describe('reduction reference', () => {
  const x = t([2, 3], 'float64', [1, 5, 2, 4, 0, 6]);

  test('sum over one axis with kept dims', () => {
    const out = run({ name: 'reduce', op: 'sum', axes: [1], keepDims: true }, x);
    expect(out.shape).toEqual([2, 1]);
    expect(out.values).toEqual([8, 10]);
  });

  test('empty reductions give the identity', () => {
    const empty = t([2, 0], 'float32', []);
    expect(run({ name: 'reduce', op: 'sum', axes: [1] }, empty).values).toEqual([0, 0]);
    expect(run({ name: 'reduce', op: 'prod', axes: [1] }, empty).values).toEqual([1, 1]);
  });

  test('max propagates NaN and bool sums count', () => {
    const withNan = t([3], 'float32', [1, NAN, 3]);
    expect(run({ name: 'reduce', op: 'max' }, withNan).values).toEqual([NAN]);
    const bools = run({ name: 'reduce', op: 'sum' }, t([3], 'bool', [1, 0, 1]));
    expect(bools.dtype).toBe('int32');
    expect(bools.values).toEqual([2]);
  });

  test('argmax takes the first maximum and the first NaN', () => {
    const ties = t([2, 3], 'float32', [1, 5, 5, 2, NAN, NAN]);
    const out = run({ name: 'argReduce', op: 'argmax', axis: 1 }, ties);
    expect(out.dtype).toBe('int32');
    expect(out.values).toEqual([1, 1]);
    const columns = run({ name: 'argReduce', op: 'argmin', axis: 0 }, x);
    expect(columns.values).toEqual([0, 1, 0]);
  });

  test('softmax rows with -Infinity, all -Infinity and +Infinity', () => {
    const rows = t([3, 2], 'float64', [0, -INF, -INF, -INF, 1, INF]);
    expect(run({ name: 'softmax', axis: 1 }, rows).values).toEqual([1, 0, NAN, NAN, NAN, NAN]);
    const log = run({ name: 'logSoftmax', axis: 1 }, rows).values;
    expect(log).toEqual([0, -INF, NAN, NAN, -INF, NAN]);
  });

  test('softmax sums to one along the axis', () => {
    const out = run({ name: 'softmax', axis: 0 }, x).values;
    expect(out[0] + out[3]).toBeCloseTo(1, 12);
    expect(out[1] / out[4]).toBeCloseTo(Math.exp(5), 9);
  });
});

describe('matmul reference', () => {
  const a = t([2, 3], 'float64', [1, 2, 3, 4, 5, 6]);

  test('plain and transposed products agree', () => {
    const plain = run({ name: 'matmul' }, a, t([3, 1], 'float64', [1, 0, -1]));
    expect(plain.values).toEqual([-2, -2]);
    const gram = run({ name: 'matmul', transposeA: true }, a, a);
    expect(gram.shape).toEqual([3, 3]);
    expect(gram.values).toEqual([17, 22, 27, 22, 29, 36, 27, 36, 45]);
  });

  test('batch axes broadcast and vectors drop their axis', () => {
    const batched = t([2, 1, 2], 'float64', [1, 2, 3, 4]);
    const out = run({ name: 'matmul' }, batched, t([2, 1], 'float64', [10, 1]));
    expect(out.shape).toEqual([2, 1, 1]);
    expect(out.values).toEqual([12, 34]);
    const dot = run({ name: 'matmul' }, t([3], 'float64', [1, 2, 3]), t([3], 'float64', [4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.values).toEqual([32]);
  });

  test('int32 products wrap', () => {
    const big = t([1, 2], 'int32', [50000, 50000]);
    const out = run({ name: 'matmul' }, big, t([2, 1], 'int32', [50000, 1]));
    expect(out.values).toEqual([2500050000 - 2 ** 32]);
  });
});

describe('layout and indexing reference', () => {
  const x = t([2, 3], 'float64', [0, 1, 2, 3, 4, 5]);

  test('transpose, slice, concat and pad', () => {
    expect(run({ name: 'transpose', perm: [1, 0] }, x).values).toEqual([0, 3, 1, 4, 2, 5]);
    expect(run({ name: 'slice', begin: [0, -2], size: [2, 1] }, x).values).toEqual([1, 4]);
    const joined = run({ name: 'concat', axis: 1 }, x, t([2, 1], 'float64', [9, 8]));
    expect(joined.values).toEqual([0, 1, 2, 9, 3, 4, 5, 8]);
    const padded = run(
      {
        name: 'pad',
        paddings: [
          [0, 1],
          [1, 0],
        ],
        value: -1,
      },
      x,
    );
    expect(padded.shape).toEqual([3, 4]);
    expect(padded.values).toEqual([-1, 0, 1, 2, -1, 3, 4, 5, -1, -1, -1, -1]);
  });

  test('gather and scatterAdd with repeated indices', () => {
    const indices = t([3], 'int32', [2, 0, 2]);
    expect(run({ name: 'gather', axis: 1 }, x, indices).values).toEqual([2, 0, 2, 5, 3, 5]);
    const updates = t([3, 1], 'float64', [1, 2, 4]);
    const scattered = run({ name: 'scatterAdd', axis: 0, shape: [3, 1] }, updates, indices);
    expect(scattered.values).toEqual([2, 0, 5]);
  });

  test('expand and fill', () => {
    expect(run({ name: 'expand', shape: [2, 2] }, t([2, 1], 'int32', [7, 8])).values).toEqual([
      7, 7, 8, 8,
    ]);
    const filled = run({ name: 'fill', shape: [2], value: -3.7, dtype: 'int32' });
    expect(filled.values).toEqual([-3, -3]);
  });
});
