import {
  argmax,
  argmin,
  logsumexp,
  max,
  mean,
  min,
  prod,
  scalar,
  sum,
  type Tensor,
  tensor,
  zeros,
} from '@tessera/tensor';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectValues, seededValues, useCpu } from './helpers';

beforeAll(useCpu);

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

/** Reference reduction in float64 over `axes` of a row-major array of `shape`. */
function reduceReference(
  values: ArrayLike<number>,
  shape: number[],
  axes: number[],
  init: number,
  f: (acc: number, v: number) => number,
): { shape: number[]; values: number[] } {
  const outShape = shape.filter((_, i) => !axes.includes(i));
  const outSize = outShape.reduce((p, d) => p * d, 1);
  const out = new Array<number>(outSize).fill(init);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let rem = flat;
    for (let i = shape.length - 1; i >= 0; i--) {
      index[i] = rem % shape[i];
      rem = Math.floor(rem / shape[i]);
    }
    let o = 0;
    for (let i = 0; i < shape.length; i++) {
      if (!axes.includes(i)) o = o * shape[i] + index[i];
    }
    out[o] = f(out[o], values[flat]);
  }
  return { shape: outShape, values: out };
}

const nanMax = (a: number, b: number) =>
  Number.isNaN(a) || Number.isNaN(b) ? NAN : Math.max(a, b);
const nanMin = (a: number, b: number) =>
  Number.isNaN(a) || Number.isNaN(b) ? NAN : Math.min(a, b);

describe('sum, prod, max, min', () => {
  const shape = [3, 4, 5];
  const values = Array.from(seededValues(60, 7), (v) => Math.fround(v * 3));
  const x = () => tensor(Float32Array.from(values), [60]).reshape(shape);

  test.each([[[0]], [[1]], [[2]], [[0, 1]], [[1, 2]], [[0, 2]], [[0, 1, 2]]])(
    'over axes %j match a float64 loop',
    (axes) => {
      const cases: [
        (t: Tensor, a: number[]) => Tensor,
        number,
        (a: number, v: number) => number,
      ][] = [
        [(t, a) => sum(t, a), 0, (a, v) => a + v],
        [(t, a) => prod(t, a), 1, (a, v) => a * v],
        [(t, a) => max(t, a), -INF, nanMax],
        [(t, a) => min(t, a), INF, nanMin],
      ];
      for (const [op, init, f] of cases) {
        const ref = reduceReference(values, shape, axes, init, f);
        expectValues(op(x(), axes), ref.values, { shape: ref.shape, tolerance: 1e-6 });
      }
    },
  );

  test('whole-tensor reductions give rank 0; keepDims keeps ones', () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expectValues(sum(t), [10], { shape: [] });
    expectValues(prod(t), [24], { shape: [] });
    expectValues(sum(t, 0), [4, 6], { shape: [2] });
    expectValues(sum(t, 1, true), [3, 7], { shape: [2, 1] });
    expectValues(max(t, -1), [2, 4]);
    expectValues(min(t, 0, true), [1, 2], { shape: [1, 2] });
    expectValues(mean(t), [2.5], { shape: [] });
    expectValues(mean(t, 1), [1.5, 3.5]);
  });

  test('reducing axes of size 1 copies', () => {
    const t = tensor([[1, 2, 3]]);
    expectValues(sum(t, 0), [1, 2, 3], { shape: [3] });
    expectValues(max(t.reshape([3, 1]), 1), [1, 2, 3], { shape: [3] });
  });

  test('NaN propagates through max, min and sum', () => {
    const t = tensor([
      [1, NAN, 3],
      [4, 5, 6],
    ]);
    expectValues(max(t, 1), [NAN, 6]);
    expectValues(min(t, 1), [NAN, 4]);
    expectValues(max(t, 0), [4, NAN, 6]);
    expectValues(min(t, 0), [1, NAN, 3]);
    expectValues(sum(t, 1), [NAN, 15]);
    expectValues(max(tensor([NAN, 1, 2])), [NAN]);
    expectValues(max(tensor([1, 2, NAN])), [NAN]);
    expectValues(max(tensor([-INF, -INF])), [-INF]);
  });

  test('int32 sums and products stay int32 and wrap', () => {
    const t = tensor([2147483647, 1, 5], [3], 'int32');
    const s = sum(t);
    expect(s.dtype).toBe('int32');
    expect(s.itemSync()).toBe(-2147483643);
    expect(prod(tensor([65536, 65536, 3], [3], 'int32')).itemSync()).toBe(0);
    expect(prod(tensor([46341, 46341], [2], 'int32')).itemSync()).toBe(46341 * 46341 - 2 ** 32);
    const m = max(
      tensor(
        [
          [3, -9],
          [7, 1],
        ],
        [2, 2],
        'int32',
      ),
      0,
    );
    expect(m.dtype).toBe('int32');
    expect(Array.from(m.dataSync())).toEqual([7, 1]);
    const avg = mean(tensor([1, 2], [2], 'int32'));
    expect(avg.dtype).toBe('float32');
    expect(avg.itemSync()).toBe(1.5);
  });

  test('bool: sum counts as int32, max is bool', () => {
    const b = tensor([
      [true, false, true],
      [false, false, true],
    ]);
    const s = sum(b, 1);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([2, 1]);
    const m = max(b, 0);
    expect(m.dtype).toBe('bool');
    expect(Array.from(m.dataSync())).toEqual([1, 0, 1]);
    expect(Array.from(min(b, 0).dataSync())).toEqual([0, 0, 1]);
  });

  test('float64 sums keep float64 precision', () => {
    const t = tensor([1e16, 1, -1e16, 1], [4], 'float64');
    expect(sum(t).dtype).toBe('float64');
    expect(sum(t, 0).itemSync()).toBe(1e16 + 1 - 1e16 + 1);
  });

  test('empty axes: sum 0, prod 1, mean NaN, right shapes', () => {
    const e = zeros([0, 3]);
    expectValues(e.sum(0), [0, 0, 0], { shape: [3] });
    expectValues(e.mean(0), [NAN, NAN, NAN], { shape: [3] });
    expectValues(prod(e, 0), [1, 1, 1], { shape: [3] });
    expectValues(e.sum(1), [], { shape: [0] });
    expectValues(e.sum(), [0], { shape: [] });
    expectValues(e.sum(0, true), [0, 0, 0], { shape: [1, 3] });
    expectValues(zeros([2, 0, 2]).sum(1), [0, 0, 0, 0], { shape: [2, 2] });
    expect(sum(zeros([0], 'int32')).itemSync()).toBe(0);
    expect(() => max(e, 0)).toThrow(/max/);
  });

  test('rank-0 reductions', () => {
    expectValues(sum(scalar(5)), [5], { shape: [] });
    expectValues(max(scalar(NAN)), [NAN], { shape: [] });
    expectValues(mean(scalar(3), []), [3], { shape: [] });
  });
});

describe('argmax and argmin', () => {
  test('first index of the extreme, along any axis', () => {
    const t = tensor([
      [1, 5, 5, 0],
      [7, 2, 7, -1],
      [0, 0, 0, 0],
    ]);
    const am = argmax(t, 1);
    expect(am.dtype).toBe('int32');
    expect(Array.from(am.dataSync())).toEqual([1, 0, 0]);
    expect(Array.from(argmin(t, 1).dataSync())).toEqual([3, 3, 0]);
    expect(Array.from(argmax(t, 0).dataSync())).toEqual([1, 0, 1, 0]);
    expect(Array.from(argmin(t, 0).dataSync())).toEqual([2, 2, 2, 1]);
    expect(Array.from(t.argmax().dataSync())).toEqual([1, 0, 0]);
  });

  test('NaN counts as the extreme; the first NaN wins', () => {
    const t = tensor([
      [1, NAN, 9, NAN],
      [NAN, 3, 2, 1],
      [-INF, -INF, INF, INF],
    ]);
    expect(Array.from(argmax(t, 1).dataSync())).toEqual([1, 0, 2]);
    expect(Array.from(argmin(t, 1).dataSync())).toEqual([1, 0, 0]);
    expect(Array.from(argmax(t, 0).dataSync())).toEqual([1, 0, 2, 0]);
    expect(Array.from(argmin(t, 0).dataSync())).toEqual([1, 0, 1, 0]);
  });

  test('rank 3 middle axis matches a loop', () => {
    const values = Array.from(seededValues(2 * 5 * 3, 3), (v) => Math.fround(v));
    const t = tensor(Float32Array.from(values), [30]).reshape([2, 5, 3]);
    const r = argmax(t, 1);
    expect(r.shape).toEqual([2, 3]);
    const expected: number[] = [];
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 3; i++) {
        let best = 0;
        for (let p = 1; p < 5; p++) {
          if (values[(o * 5 + p) * 3 + i] > values[(o * 5 + best) * 3 + i]) best = p;
        }
        expected.push(best);
      }
    }
    expect(Array.from(r.dataSync())).toEqual(expected);
  });

  test('int32, bool, rank-0 and empty outputs', () => {
    expect(argmax(tensor([3, 9, 9], [3], 'int32')).itemSync()).toBe(1);
    expect(argmin(tensor([true, false, false])).itemSync()).toBe(1);
    expect(argmax(scalar(4), 0).itemSync()).toBe(0);
    expect(argmax(zeros([0, 3]), 1).shape).toEqual([0]);
    expect(() => argmax(zeros([0, 3]), 0)).toThrow(/argmax/);
  });
});

describe('logsumexp', () => {
  test('infinities and large values', () => {
    expectValues(logsumexp(tensor([-INF, -INF, -INF, -INF, -INF])), [-INF], { shape: [] });
    expectValues(logsumexp(tensor([INF, 0])), [INF]);
    expectValues(logsumexp(tensor([1000, 1000])), [1000.693147], { tolerance: 1e-7 });
    expectValues(logsumexp(tensor([1000, 1000], [2], 'float64')), [1000 + Math.LN2], {
      tolerance: 1e-12,
    });
  });

  test('along an axis matches log(sum(exp))', () => {
    const t = tensor(
      [
        [1, 2, 3],
        [-1, 0, 1],
      ],
      [2, 3],
      'float64',
    );
    const ref = [
      Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)),
      Math.log(Math.exp(-1) + 1 + Math.exp(1)),
    ];
    expectValues(logsumexp(t, 1), ref, { shape: [2], tolerance: 1e-12 });
    expectValues(logsumexp(t, 1, true), ref, { shape: [2, 1], tolerance: 1e-12 });
  });
});
