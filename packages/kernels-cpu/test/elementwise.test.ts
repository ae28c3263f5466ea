import {
  abs,
  add,
  cast,
  ceil,
  clamp,
  cos,
  div,
  equal,
  exp,
  expm1,
  floor,
  full,
  greater,
  greaterEqual,
  isfinite,
  isnan,
  less,
  lessEqual,
  log,
  log1p,
  logicalAnd,
  logicalNot,
  logicalOr,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  ones,
  onesLike,
  pow,
  reciprocal,
  relu,
  round,
  rsqrt,
  scalar,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  sub,
  type Tensor,
  tanh,
  tensor,
  where,
  zeros,
  zerosLike,
} from '@tessera/tensor';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectValues, seededValues, useCpu } from './helpers';

beforeAll(useCpu);

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

/** Broadcast reference in float64: out[i] = f(a[ia], b[ib]) over numpy broadcasting. */
function broadcastReference(
  a: ArrayLike<number>,
  aShape: number[],
  b: ArrayLike<number>,
  bShape: number[],
  f: (x: number, y: number) => number,
): { shape: number[]; values: number[] } {
  const rank = Math.max(aShape.length, bShape.length);
  const pa = [...new Array(rank - aShape.length).fill(1), ...aShape];
  const pb = [...new Array(rank - bShape.length).fill(1), ...bShape];
  const shape = pa.map((d, i) => Math.max(d, pb[i]));
  const size = shape.reduce((p, d) => p * d, 1);
  const values: number[] = [];
  const index = new Array(rank).fill(0);
  for (let flatIndex = 0; flatIndex < size; flatIndex++) {
    let rem = flatIndex;
    for (let i = rank - 1; i >= 0; i--) {
      index[i] = rem % shape[i];
      rem = Math.floor(rem / shape[i]);
    }
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < rank; i++) {
      ia = ia * pa[i] + (pa[i] === 1 ? 0 : index[i]);
      ib = ib * pb[i] + (pb[i] === 1 ? 0 : index[i]);
    }
    values.push(f(a[ia], b[ib]));
  }
  return { shape, values };
}

function randomTensor(shape: number[], seed: number): { t: Tensor; values: number[] } {
  const size = shape.reduce((p, d) => p * d, 1);
  const values = Array.from(seededValues(size, seed), (v) => Math.fround(v * 4));
  return { t: tensor(Float32Array.from(values), [size]).reshape(shape), values };
}

describe('binary', () => {
  test('same-shape arithmetic', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([
      [6, 5, 4],
      [3, 2, 1],
    ]);
    expectValues(add(a, b), [7, 7, 7, 7, 7, 7], { shape: [2, 3] });
    expectValues(sub(a, b), [-5, -3, -1, 1, 3, 5]);
    expectValues(mul(a, b), [6, 10, 12, 12, 10, 6]);
    expectValues(div(a, b), [1 / 6, 2 / 5, 3 / 4, 4 / 3, 5 / 2, 6]);
  });

  test('scalar operands on either side', () => {
    const a = tensor([1, 2, 4]);
    expectValues(a.add(1), [2, 3, 5]);
    expectValues(sub(10, a), [9, 8, 6]);
    expectValues(div(1, a), [1, 0.5, 0.25]);
    expectValues(a.mul(scalar(3)), [3, 6, 12]);
    expectValues(scalar(2).add(scalar(3)), [5], { shape: [] });
  });

  test('float32 results round as float32', () => {
    const sum = add(tensor([0.1]), tensor([0.2]));
    expect(sum.dataSync()[0]).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    const f64 = add(tensor([0.1], [1], 'float64'), tensor([0.2], [1], 'float64'));
    expect(f64.dataSync()[0]).toBe(0.1 + 0.2);
  });

  test.each([
    [
      [2, 1, 3],
      [4, 1],
    ],
    [[3], [2, 3]],
    [
      [2, 3],
      [2, 1],
    ],
    [
      [1, 4],
      [5, 1],
    ],
    [
      [2, 1, 3, 1],
      [1, 4, 1, 5],
    ],
    [[], [2, 2]],
    [[3, 1], []],
  ])('general broadcast %j with %j matches a float64 loop', (aShape, bShape) => {
    const a = randomTensor(aShape, 11);
    const b = randomTensor(bShape, 23);
    const cases: [(x: Tensor, y: Tensor) => Tensor, (x: number, y: number) => number][] = [
      [add, (x, y) => x + y],
      [sub, (x, y) => x - y],
      [mul, (x, y) => x * y],
      [div, (x, y) => x / y],
      [maximum, Math.max],
      [minimum, Math.min],
      [less, (x, y) => (x < y ? 1 : 0)],
      [greaterEqual, (x, y) => (x >= y ? 1 : 0)],
    ];
    for (const [op, f] of cases) {
      const ref = broadcastReference(a.values, aShape, b.values, bShape, f);
      expectValues(op(a.t, b.t), ref.values, { shape: ref.shape });
    }
  });

  test('add of incompatible shapes names the op and both shapes', () => {
    const a = zeros([2, 3]);
    const b = zeros([4]);
    expect(() => add(a, b)).toThrow(/add/);
    expect(() => add(a, b)).toThrow(/\[2,3\]/);
    expect(() => add(a, b)).toThrow(/\[4\]/);
  });

  test('empty and rank-0 operands', () => {
    expectValues(add(zeros([0, 3]), ones([3])), [], { shape: [0, 3] });
    expectValues(mul(zeros([2, 0]), scalar(2)), [], { shape: [2, 0] });
    expectValues(add(zeros([0]), zeros([1])), [], { shape: [0] });
    expectValues(maximum(scalar(1), scalar(NAN)), [NAN], { shape: [] });
  });

  test('int32 arithmetic wraps', () => {
    const big = tensor([2147483647, -2147483648, 65536, 46341], [4], 'int32');
    const r = add(big, tensor([1, -1, 0, 0], [4], 'int32'));
    expect(r.dtype).toBe('int32');
    expect(Array.from(r.dataSync())).toEqual([-2147483648, 2147483647, 65536, 46341]);
    expect(Array.from(sub(big, tensor([-1, 1, 0, 0], [4], 'int32')).dataSync())).toEqual([
      -2147483648, 2147483647, 65536, 46341,
    ]);
    expect(Array.from(mul(big, big).dataSync())).toEqual([1, 0, 0, 46341 * 46341 - 2 ** 32]);
    expect(Array.from(mul(big, 2).dataSync())).toEqual([-2, 0, 131072, 92682]);
  });

  test('int32 division and pow give float32', () => {
    const a = tensor([7, -7, 1], [3], 'int32');
    const q = div(a, 2);
    expect(q.dtype).toBe('float32');
    expectValues(q, [3.5, -3.5, 0.5]);
    expectValues(pow(a, 2), [49, 49, 1]);
  });

  test('pow follows C and PyTorch', () => {
    const base = [2, -8, 0, NAN, 1, -2, INF, 4, 1, -1];
    const exponent = [10, 1 / 3, 0, 0, NAN, 0.5, -1, -0.5, INF, -INF];
    const r = pow(tensor(base, [10], 'float64'), tensor(exponent, [10], 'float64'));
    // Values by hand: pow(1, NaN) and pow(-1, ±Infinity) are 1 in C, NaN in JavaScript.
    expectValues(r, [1024, NAN, 1, 1, 1, NAN, 0, 0.5, 1, 1]);
  });

  test('maximum and minimum propagate NaN', () => {
    const a = tensor([1, NAN, 3, NAN, -INF]);
    const b = tensor([NAN, 2, 1, NAN, 5]);
    expectValues(maximum(a, b), [NAN, NAN, 3, NAN, 5]);
    expectValues(minimum(a, b), [NAN, NAN, 1, NAN, -INF]);
    const i = maximum(tensor([1, -5], [2], 'int32'), tensor([0, 3], [2], 'int32'));
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([1, 3]);
  });

  test('comparisons: NaN compares false except notEqual', () => {
    const a = tensor([1, NAN, 2, INF, NAN]);
    const b = tensor([1, 1, 3, INF, NAN]);
    const bools = (t: Tensor) => {
      expect(t.dtype).toBe('bool');
      return Array.from(t.dataSync());
    };
    expect(bools(equal(a, b))).toEqual([1, 0, 0, 1, 0]);
    expect(bools(notEqual(a, b))).toEqual([0, 1, 1, 0, 1]);
    expect(bools(less(a, b))).toEqual([0, 0, 1, 0, 0]);
    expect(bools(lessEqual(a, b))).toEqual([1, 0, 1, 1, 0]);
    expect(bools(greater(a, b))).toEqual([0, 0, 0, 0, 0]);
    expect(bools(greaterEqual(a, b))).toEqual([1, 0, 0, 1, 0]);
  });

  test('comparisons of int32 and bool, broadcast', () => {
    const a = tensor([[1], [2], [3]], [3, 1], 'int32');
    const b = tensor([2, 3], [2], 'int32');
    const r = less(a, b);
    expect(r.shape).toEqual([3, 2]);
    expect(Array.from(r.dataSync())).toEqual([1, 1, 0, 1, 0, 0]);
    const t = tensor([true, false, true]);
    expect(Array.from(equal(t, tensor([true, true, false])).dataSync())).toEqual([1, 0, 0]);
  });

  test('logical ops', () => {
    const a = tensor([true, true, false, false]);
    const b = tensor([true, false, true, false]);
    expect(Array.from(logicalAnd(a, b).dataSync())).toEqual([1, 0, 0, 0]);
    expect(Array.from(logicalOr(a, b).dataSync())).toEqual([1, 1, 1, 0]);
    expect(Array.from(logicalNot(a).dataSync())).toEqual([0, 0, 1, 1]);
    // Numbers are truthy when nonzero; NaN is true.
    const n = tensor([0, 2, NAN, -0]);
    expect(Array.from(logicalNot(n).dataSync())).toEqual([1, 0, 0, 1]);
    expect(Array.from(logicalAnd(n, tensor([true, true, true, true])).dataSync())).toEqual([
      0, 1, 1, 0,
    ]);
  });

  test('bool arithmetic is promoted to int32', () => {
    const a = tensor([true, true, false]);
    const r = add(a, a);
    expect(r.dtype).toBe('int32');
    expect(Array.from(r.dataSync())).toEqual([2, 2, 0]);
  });
});

describe('unary', () => {
  const values = [0, -0.5, 0.5, 1.5, -2.5, 3, -4, 100, -100, NAN, INF, -INF];
  const input = () => tensor(values, [values.length], 'float64');

  test.each<[string, (x: Tensor) => Tensor, (v: number) => number]>([
    ['neg', neg, (v) => -v],
    ['abs', abs, Math.abs],
    ['exp', exp, Math.exp],
    ['expm1', expm1, Math.expm1],
    ['log', log, Math.log],
    ['log1p', log1p, Math.log1p],
    ['sqrt', sqrt, Math.sqrt],
    ['rsqrt', rsqrt, (v) => 1 / Math.sqrt(v)],
    ['square', square, (v) => v * v],
    ['reciprocal', reciprocal, (v) => 1 / v],
    ['sin', sin, Math.sin],
    ['cos', cos, Math.cos],
    ['tanh', tanh, Math.tanh],
    ['floor', floor, Math.floor],
    ['ceil', ceil, Math.ceil],
  ])('%s matches Math in float64', (_name, op, f) => {
    expectValues(op(input()), values.map(f), { tolerance: 1e-12 });
  });

  test('float32 results round as float32', () => {
    const x = tensor([0.1, 1, 2]);
    const r = exp(x).dataSync();
    const xs = x.dataSync();
    for (let i = 0; i < 3; i++) expect(r[i]).toBe(Math.fround(Math.exp(xs[i])));
  });

  test('sign, relu and sigmoid keep NaN', () => {
    expectValues(sign(input()), [0, -1, 1, 1, -1, 1, -1, 1, -1, NAN, 1, -1]);
    expectValues(relu(input()), [0, 0, 0.5, 1.5, 0, 3, 0, 100, 0, NAN, INF, 0]);
    const s = sigmoid(tensor([0, 1000, -1000, NAN, INF, -INF, 2, -2]));
    expectValues(s, [0.5, 1, 0, NAN, 1, 0, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))]);
  });

  test('round is half to even', () => {
    const x = tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6, 7, NAN, INF]);
    expectValues(round(x), [0, 2, 2, -0, -2, -2, 2, 3, -3, 7, NAN, INF]);
  });

  test('isnan and isfinite output bool', () => {
    const x = tensor([1, NAN, INF, -INF, 0]);
    const n = isnan(x);
    expect(n.dtype).toBe('bool');
    expect(Array.from(n.dataSync())).toEqual([0, 1, 0, 0, 0]);
    expect(Array.from(isfinite(x).dataSync())).toEqual([1, 0, 0, 0, 1]);
    expect(Array.from(isfinite(tensor([5], [1], 'int32')).dataSync())).toEqual([1]);
    expect(Array.from(isnan(tensor([true])).dataSync())).toEqual([0]);
  });

  test('int32 inputs: exact integer math, wrapping, float32 for float functions', () => {
    const x = tensor([-2147483648, -3, 0, 7, 46341], [5], 'int32');
    const n = neg(x);
    expect(n.dtype).toBe('int32');
    expect(Array.from(n.dataSync())).toEqual([-2147483648, 3, 0, -7, -46341]);
    expect(Array.from(abs(x).dataSync())).toEqual([-2147483648, 3, 0, 7, 46341]);
    expect(Array.from(square(x).dataSync())).toEqual([0, 9, 0, 49, 46341 * 46341 - 2 ** 32]);
    expect(Array.from(sign(x).dataSync())).toEqual([-1, -1, 0, 1, 1]);
    expect(Array.from(relu(x).dataSync())).toEqual([0, 0, 0, 7, 46341]);
    expect(Array.from(round(x).dataSync())).toEqual([-2147483648, -3, 0, 7, 46341]);
    const s = sqrt(tensor([4, 9], [2], 'int32'));
    expect(s.dtype).toBe('float32');
    expectValues(s, [2, 3]);
  });

  test('bool inputs', () => {
    const b = tensor([true, false]);
    const n = neg(b);
    expect(n.dtype).toBe('int32');
    expect(Array.from(n.dataSync())).toEqual([-1, 0]);
    expectValues(exp(b), [Math.E, 1]);
  });

  test('empty and rank-0', () => {
    expectValues(exp(zeros([0, 4])), [], { shape: [0, 4] });
    expectValues(neg(scalar(3)), [-3], { shape: [] });
    expectValues(sqrt(scalar(-1)), [NAN], { shape: [] });
  });
});

describe('cast', () => {
  test('float to int32 truncates toward zero, NaN gives 0', () => {
    const x = tensor([1.9, -1.9, NAN, 0.5, -0.5, -7]);
    expect(Array.from(cast(x, 'int32').dataSync())).toEqual([1, -1, 0, 0, 0, -7]);
    const y = tensor([1e9 + 0.7, -1e9 - 0.7], [2], 'float64');
    expect(Array.from(cast(y, 'int32').dataSync())).toEqual([1000000000, -1000000000]);
  });

  test('anything nonzero to bool is 1, NaN included', () => {
    const x = tensor([0, -0, NAN, 2, -3, INF, 0.001]);
    const b = cast(x, 'bool');
    expect(b.dtype).toBe('bool');
    expect(Array.from(b.dataSync())).toEqual([0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(cast(tensor([0, 5, -1], [3], 'int32'), 'bool').dataSync())).toEqual([
      0, 1, 1,
    ]);
  });

  test('to float: int and bool convert, float64 rounds to float32', () => {
    const i = cast(tensor([16777217, -3], [2], 'int32'), 'float32');
    expect(Array.from(i.dataSync())).toEqual([16777216, -3]);
    const b = cast(tensor([true, false]), 'float64');
    expect(Array.from(b.dataSync())).toEqual([1, 0]);
    const f = cast(tensor([0.1], [1], 'float64'), 'float32');
    expect(f.dataSync()[0]).toBe(Math.fround(0.1));
    const back = cast(tensor([0.1]), 'float64');
    expect(back.dataSync()[0]).toBe(Math.fround(0.1));
  });

  test('empty and rank-0', () => {
    expect(cast(zeros([0]), 'int32').shape).toEqual([0]);
    expect(cast(scalar(2.7), 'int32').itemSync()).toBe(2);
  });
});

describe('fill', () => {
  test('full converts the value to the dtype', () => {
    expect(Array.from(full([2], 3.7, 'int32').dataSync())).toEqual([3, 3]);
    expect(Array.from(full([2], -3.7, 'int32').dataSync())).toEqual([-3, -3]);
    expect(Array.from(full([3], 2, 'bool').dataSync())).toEqual([1, 1, 1]);
    expect(Array.from(full([1], NAN, 'bool').dataSync())).toEqual([1]);
    expectValues(full([2, 2], NAN), [NAN, NAN, NAN, NAN], { shape: [2, 2] });
    expectValues(full([], -INF), [-INF], { shape: [] });
    expectValues(full([0, 3], 1), [], { shape: [0, 3] });
    expect(Object.is(full([1], -0).dataSync()[0], -0)).toBe(true);
  });

  test('zerosLike and onesLike', () => {
    const like = tensor([[1, 2]], [1, 2], 'int32');
    const z = zerosLike(like);
    expect(z.dtype).toBe('int32');
    expect(z.arraySync()).toEqual([[0, 0]]);
    expect(onesLike(like, 'float64').arraySync()).toEqual([[1, 1]]);
  });
});

describe('where and clamp', () => {
  test('where broadcasts condition, a and b', () => {
    const cond = tensor([[true], [false], [true]]);
    const a = tensor([[1, 2, 3, 4]]);
    const r = where(cond, a, -1);
    expect(r.shape).toEqual([3, 4]);
    expectValues(r, [1, 2, 3, 4, -1, -1, -1, -1, 1, 2, 3, 4]);
    const same = where(tensor([true, false, true]), tensor([1, 2, 3]), tensor([4, 5, 6]));
    expectValues(same, [1, 5, 3]);
    const nan = where(tensor([false, true]), tensor([NAN, NAN]), 0);
    expectValues(nan, [0, NAN]);
  });

  test('where with int32, bool, rank-0 and empty', () => {
    const i = where(tensor([true, false]), tensor([1, 2], [2], 'int32'), 9);
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([1, 9]);
    const b = where(tensor([true, false]), tensor([false, false]), tensor([true, true]));
    expect(b.dtype).toBe('bool');
    expect(Array.from(b.dataSync())).toEqual([0, 1]);
    expectValues(where(scalar(true), scalar(1), scalar(2)), [1], { shape: [] });
    expect(where(zeros([0], 'bool'), zeros([0]), 1).shape).toEqual([0]);
  });

  test('clamp keeps NaN', () => {
    expectValues(clamp(tensor([-2, 0.5, 3, NAN]), 0, 1), [0, 0.5, 1, NAN]);
  });
});
