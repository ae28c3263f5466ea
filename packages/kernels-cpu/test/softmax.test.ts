import {
  logSoftmax,
  logSoftmaxComposite,
  scalar,
  softmax,
  softmaxComposite,
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

const LOGITS = [
  [90, 2, -2],
  [90, 89, 88],
  [102, 100, 0],
];

/** Softmax of one row in float64, shifted by its maximum. */
function softmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function expectSameValues(a: Tensor, b: Tensor, tolerance = 1e-6): void {
  expect(a.shape).toEqual(b.shape);
  expectValues(a, Array.from(b.dataSync()), { tolerance });
}

describe('softmax', () => {
  test('large logits: no NaN, known values', () => {
    const s = softmax(tensor(LOGITS));
    const values = Array.from(s.dataSync());
    expect(values.some(Number.isNaN)).toBe(false);
    const rows = s.arraySync() as number[][];
    const expected = [0.665241, 0.244728, 0.090031];
    for (let i = 0; i < 3; i++) expect(Math.abs(rows[1][i] - expected[i])).toBeLessThan(1e-6);
    expectValues(s, LOGITS.flatMap(softmaxRow));
  });

  test('the fused kernel matches the composite path', () => {
    const x = tensor(LOGITS);
    expectSameValues(softmax(x), softmaxComposite(x, 1));
    expectSameValues(softmax(x, 0), softmaxComposite(x, 0));
    expectSameValues(logSoftmax(x), logSoftmaxComposite(x, 1), 1e-5);
    expectSameValues(logSoftmax(x, 0), logSoftmaxComposite(x, 0), 1e-5);
  });

  test('random rank-3 input along every axis, float32 and float64', () => {
    const values = Array.from(seededValues(2 * 3 * 5, 4), (v) => v * 20);
    for (const dtype of ['float32', 'float64'] as const) {
      const x = tensor(values, [30], dtype).reshape([2, 3, 5]);
      for (const axis of [0, 1, 2]) {
        const s = softmax(x, axis);
        expect(s.dtype).toBe(dtype);
        expectSameValues(s, softmaxComposite(x, axis));
        expectSameValues(logSoftmax(x, axis), logSoftmaxComposite(x, axis), 1e-5);
        expectValues(sum(s, axis), new Array(30 / [2, 3, 5][axis]).fill(1), { tolerance: 1e-6 });
      }
    }
  });

  test('a row of all -Infinity gives NaN without crashing; other rows are unaffected', () => {
    const x = tensor([
      [-INF, -INF, -INF],
      [1, 2, 3],
    ]);
    const s = softmax(x);
    expectValues(s, [NAN, NAN, NAN, ...softmaxRow([1, 2, 3])]);
    expectSameValues(s, softmaxComposite(x, 1));
    const l = logSoftmax(x);
    expectValues(l, [NAN, NAN, NAN, ...softmaxRow([1, 2, 3]).map(Math.log)], { tolerance: 1e-5 });
    expectSameValues(l, logSoftmaxComposite(x, 1), 1e-5);
  });

  test('-Infinity entries get probability 0; +Infinity gives NaN as in PyTorch', () => {
    expectValues(softmax(tensor([0, -INF, 0])), [0.5, 0, 0.5]);
    expectValues(logSoftmax(tensor([0, -INF, 0])), [-Math.LN2, -INF, -Math.LN2]);
    const s = softmax(tensor([INF, 0]));
    expect(Number.isNaN(s.dataSync()[0])).toBe(true);
    expectSameValues(s, softmaxComposite(tensor([INF, 0]), 0));
    expectSameValues(logSoftmax(tensor([INF, 0])), logSoftmaxComposite(tensor([INF, 0]), 0));
    expectValues(softmax(tensor([NAN, 1])), [NAN, NAN]);
  });

  test('rank-0 and empty', () => {
    // The tensor layer accepts only axis 0 for rank 0.
    expectValues(softmax(scalar(3), 0), [1], { shape: [] });
    expectValues(logSoftmax(scalar(3), 0), [0], { shape: [] });
    expect(softmax(zeros([0, 3])).shape).toEqual([0, 3]);
    expect(logSoftmax(zeros([2, 0])).shape).toEqual([2, 0]);
  });

  test('log-softmax of large logits is finite', () => {
    const l = logSoftmax(tensor([[1000, 0, -1000]], [1, 3], 'float64'));
    expectValues(l, [0, -1000, -2000], { tolerance: 1e-12 });
  });
});
