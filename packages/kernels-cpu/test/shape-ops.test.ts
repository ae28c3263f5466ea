import {
  arange,
  broadcastTo,
  concat,
  gather,
  oneHot,
  pad,
  scalar,
  scatterAdd,
  slice,
  stack,
  type Tensor,
  tensor,
  transpose,
  zeros,
} from '@tessera/tensor';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectValues, useCpu } from './helpers';

beforeAll(useCpu);

const NAN = Number.NaN;

/** 0, 1, 2, ... in `shape` (float32). */
function iota(shape: number[], dtype: 'float32' | 'int32' = 'float32'): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return arange(0, size, 1, dtype).reshape(shape);
}

/** Reference permutation: out[idx] = x[idx permuted back]. */
function transposeReference(shape: number[], perm: number[]): number[] {
  const outShape = perm.map((a) => shape[a]);
  const size = shape.reduce((p, d) => p * d, 1);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const out: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    let rem = flat;
    const index: number[] = [];
    for (let i = outShape.length - 1; i >= 0; i--) {
      index[i] = rem % outShape[i];
      rem = Math.floor(rem / outShape[i]);
    }
    let source = 0;
    for (let i = 0; i < perm.length; i++) source += index[i] * inStrides[perm[i]];
    out.push(source);
  }
  return out;
}

describe('transpose', () => {
  test.each([
    [
      [2, 3],
      [1, 0],
    ],
    [
      [2, 3, 4],
      [2, 0, 1],
    ],
    [
      [2, 3, 4],
      [0, 2, 1],
    ],
    [
      [2, 3, 4],
      [1, 0, 2],
    ],
    [
      [2, 1, 3, 2],
      [3, 2, 1, 0],
    ],
    [
      [70, 45],
      [1, 0],
    ],
    [
      [3, 40, 50],
      [0, 2, 1],
    ],
    [
      [33, 2, 35],
      [2, 1, 0],
    ],
  ])('shape %j perm %j', (shape, perm) => {
    const out = transpose(iota(shape), perm);
    expectValues(out, transposeReference(shape, perm), { shape: perm.map((a) => shape[a]) });
  });

  test('matrix transpose by default; int32, bool, empty', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [2, 3],
      'int32',
    );
    expect(x.T.arraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const b = tensor([
      [true, false],
      [false, false],
    ]);
    expect(b.T.arraySync()).toEqual([
      [1, 0],
      [0, 0],
    ]);
    expect(transpose(zeros([0, 3])).shape).toEqual([3, 0]);
    expect(transpose(scalar(1)).shape).toEqual([]);
  });
});

describe('slice', () => {
  test('boxes, negative begins, sizes of -1', () => {
    const x = iota([3, 4]);
    expectValues(slice(x, [1, 1], [2, 2]), [5, 6, 9, 10], { shape: [2, 2] });
    expectValues(slice(x, [-1]), [8, 9, 10, 11], { shape: [1, 4] });
    expectValues(slice(x, [0, 2], [-1, 1]), [2, 6, 10], { shape: [3, 1] });
    expectValues(
      slice(x, [0, 0], [3, 4]),
      Array.from({ length: 12 }, (_, i) => i),
    );
    const y = iota([2, 3, 4]);
    expectValues(slice(y, [1, 0, 2], [1, 3, 2]), [14, 15, 18, 19, 22, 23], { shape: [1, 3, 2] });
  });

  test('empty, rank-0, int32 and bool', () => {
    expect(slice(iota([3, 4]), [1, 0], [0, 4]).shape).toEqual([0, 4]);
    expectValues(slice(scalar(7), []), [7], { shape: [] });
    expect(Array.from(slice(iota([5], 'int32'), [2], [2]).dataSync())).toEqual([2, 3]);
    expect(Array.from(slice(tensor([true, false, true]), [1]).dataSync())).toEqual([0, 1]);
  });
});

describe('concat and stack', () => {
  test('along each axis', () => {
    const a = iota([2, 2]);
    const b = iota([2, 3]).add(10);
    expectValues(concat([a, b], 1), [0, 1, 10, 11, 12, 2, 3, 13, 14, 15], { shape: [2, 5] });
    expectValues(concat([a, a.add(4)], 0), [0, 1, 2, 3, 4, 5, 6, 7], { shape: [4, 2] });
    expectValues(concat([a, b, a], -1), [0, 1, 10, 11, 12, 0, 1, 2, 3, 13, 14, 15, 2, 3], {
      shape: [2, 7],
    });
  });

  test('empty pieces, int32, bool', () => {
    const a = iota([2, 2]);
    expectValues(concat([zeros([2, 0]), a, zeros([2, 0])], 1), [0, 1, 2, 3], { shape: [2, 2] });
    expect(concat([zeros([0, 2]), zeros([0, 2])], 0).shape).toEqual([0, 2]);
    const i = concat([tensor([1], [1], 'int32'), tensor([2, 3], [2], 'int32')]);
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(concat([tensor([true]), tensor([false, true])]).dataSync())).toEqual([
      1, 0, 1,
    ]);
  });

  test('stack', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    expectValues(stack([a, b]), [1, 2, 3, 4], { shape: [2, 2] });
    expectValues(stack([a, b], 1), [1, 3, 2, 4], { shape: [2, 2] });
    expectValues(stack([scalar(1), scalar(2)]), [1, 2], { shape: [2] });
  });
});

describe('pad', () => {
  test('pads with a value', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expectValues(
      pad(
        x,
        [
          [1, 0],
          [0, 2],
        ],
        9,
      ),
      [9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9],
      { shape: [3, 4] },
    );
    expectValues(pad(tensor([1]), [[2, 1]], NAN), [NAN, NAN, 1, NAN]);
  });

  test('int32, bool, empty and rank-0', () => {
    const i = pad(tensor([5], [1], 'int32'), [[1, 1]], 2.9);
    expect(Array.from(i.dataSync())).toEqual([2, 5, 2]);
    expect(Array.from(pad(tensor([false]), [[1, 0]], 1).dataSync())).toEqual([1, 0]);
    expectValues(pad(zeros([0]), [[1, 1]], 3), [3, 3], { shape: [2] });
    expectValues(pad(scalar(4), []), [4], { shape: [] });
  });
});

describe('broadcastTo', () => {
  test('expands ones and missing axes', () => {
    const x = tensor([[1], [2], [3]]);
    const r = broadcastTo(x, [2, 3, 4]);
    expect(r.shape).toEqual([2, 3, 4]);
    const expected: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expected.push(i + 1);
    expectValues(r, expected);
    expectValues(broadcastTo(scalar(5), [2, 2]), [5, 5, 5, 5]);
    expectValues(broadcastTo(tensor([1, 2]), [3, 2]), [1, 2, 1, 2, 1, 2]);
    expect(broadcastTo(tensor([1]), [0]).shape).toEqual([0]);
    const bool = broadcastTo(tensor([[true, false]]), [2, 2]);
    expect(Array.from(bool.dataSync())).toEqual([1, 0, 1, 0]);
  });
});

describe('gather and scatterAdd', () => {
  test('gather along axis 0 and 1, repeated and nested indices', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const idx = tensor([2, 0, 2], [3], 'int32');
    expectValues(gather(x, idx), [5, 6, 1, 2, 5, 6], { shape: [3, 2] });
    expectValues(gather(x, tensor([1, 1, 0], [3], 'int32'), 1), [2, 2, 1, 4, 4, 3, 6, 6, 5], {
      shape: [3, 3],
    });
    const nested = tensor([[0], [2]], [2, 1], 'int32');
    expectValues(gather(x, nested), [1, 2, 5, 6], { shape: [2, 1, 2] });
    expectValues(gather(x, scalar(1, 'int32')), [3, 4], { shape: [2] });
    expect(gather(x, zeros([0], 'int32')).shape).toEqual([0, 2]);
    const wide = gather(iota([3, 40]), tensor([2, 1], [2], 'int32'));
    expectValues(wide, [
      ...Array.from({ length: 40 }, (_, i) => 80 + i),
      ...Array.from({ length: 40 }, (_, i) => 40 + i),
    ]);
  });

  test('gather of int32 and bool', () => {
    const i = gather(tensor([10, 20, 30], [3], 'int32'), tensor([2, 2], [2], 'int32'));
    expect(Array.from(i.dataSync())).toEqual([30, 30]);
    const b = gather(tensor([true, false]), tensor([1, 0], [2], 'int32'));
    expect(Array.from(b.dataSync())).toEqual([0, 1]);
  });

  test('gather checks the index range', () => {
    expect(() => gather(tensor([1, 2]), tensor([2], [1], 'int32'))).toThrow(/out of range/);
  });

  test('scatterAdd accumulates repeated indices', () => {
    const updates = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const idx = tensor([2, 0, 2], [3], 'int32');
    expectValues(scatterAdd(updates, idx, 0, [4, 2]), [3, 4, 0, 0, 6, 8, 0, 0], { shape: [4, 2] });
    expectValues(
      scatterAdd(updates, tensor([1, 1], [2], 'int32'), 1, [3, 3]),
      [0, 3, 0, 0, 7, 0, 0, 11, 0],
    );
    const i = scatterAdd(
      tensor([2147483647, 1], [2], 'int32'),
      tensor([0, 0], [2], 'int32'),
      0,
      [1],
    );
    expect(Array.from(i.dataSync())).toEqual([-2147483648]);
    expectValues(scatterAdd(zeros([0]), zeros([0], 'int32'), 0, [3]), [0, 0, 0]);
  });

  test('scatterAdd is the adjoint of gather', () => {
    // <gather(x, idx), u> equals <x, scatterAdd(u, idx)> for any x and u.
    const x = iota([4, 3]).add(1);
    const idx = tensor(
      [
        [3, 1],
        [1, 0],
      ],
      [2, 2],
      'int32',
    );
    const u = iota([2, 2, 3]).mul(0.5).sub(1);
    const left = gather(x, idx).mul(u).sum().itemSync();
    const right = x
      .mul(scatterAdd(u, idx, 0, [4, 3]))
      .sum()
      .itemSync();
    expect(left).toBeCloseTo(right, 4);
  });

  test('oneHot', () => {
    const r = oneHot(tensor([0, 2], [2], 'int32'), 3);
    expect(r.arraySync()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });
});
