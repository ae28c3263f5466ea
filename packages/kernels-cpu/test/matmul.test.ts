import { type DType, matmul, tensor, zeros } from '@tessera/tensor';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectValues, seededValues, useCpu } from './helpers';

beforeAll(useCpu);

/** A random tensor of `shape` and the float64 values it actually holds. */
function randomInput(shape: number[], dtype: DType, seed: number) {
  const size = shape.reduce((p, d) => p * d, 1);
  const raw = seededValues(size, seed);
  const values = dtype === 'float32' ? Array.from(raw, Math.fround) : Array.from(raw);
  return { t: tensor(values, [size], dtype).reshape(shape), values };
}

/**
 * Reference batched matmul in float64 with broadcast batch axes. `a` holds [...batchA, m, k]
 * (or [..., k, m] when transposed), `b` [...batchB, k, n] (or [..., n, k]).
 */
function matmulReference(
  a: number[],
  aShape: number[],
  b: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): { shape: number[]; values: number[] } {
  const [ar, ac] = aShape.slice(-2);
  const [br, bc] = bShape.slice(-2);
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const n = transposeB ? br : bc;
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const pa = [...new Array(rank - batchA.length).fill(1), ...batchA];
  const pb = [...new Array(rank - batchB.length).fill(1), ...batchB];
  const batch = pa.map((d, i) => Math.max(d, pb[i]));
  const batches = batch.reduce((p, d) => p * d, 1);
  const values: number[] = [];
  for (let index = 0; index < batches; index++) {
    let rem = index;
    let ia = 0;
    let ib = 0;
    const digits: number[] = [];
    for (let i = rank - 1; i >= 0; i--) {
      digits[i] = rem % batch[i];
      rem = Math.floor(rem / batch[i]);
    }
    for (let i = 0; i < rank; i++) {
      ia = ia * pa[i] + (pa[i] === 1 ? 0 : digits[i]);
      ib = ib * pb[i] + (pb[i] === 1 ? 0 : digits[i]);
    }
    const ao = ia * m * k;
    const bo = ib * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = transposeA ? a[ao + p * m + i] : a[ao + i * k + p];
          const bv = transposeB ? b[bo + j * k + p] : b[bo + p * n + j];
          s += av * bv;
        }
        values.push(s);
      }
    }
  }
  return { shape: [...batch, m, n], values };
}

function operandShape(batch: number[], rows: number, cols: number, transposed: boolean): number[] {
  return transposed ? [...batch, cols, rows] : [...batch, rows, cols];
}

function check(
  m: number,
  k: number,
  n: number,
  options: { batchA?: number[]; batchB?: number[]; dtype?: DType; tA?: boolean; tB?: boolean },
  seed: number,
): void {
  const { batchA = [], batchB = [], dtype = 'float32', tA = false, tB = false } = options;
  const aShape = operandShape(batchA, m, k, tA);
  const bShape = operandShape(batchB, k, n, tB);
  const a = randomInput(aShape, dtype, seed);
  const b = randomInput(bShape, dtype, seed + 1);
  const ref = matmulReference(a.values, aShape, b.values, bShape, tA, tB);
  const result = matmul(a.t, b.t, { transposeA: tA, transposeB: tB });
  expect(result.dtype).toBe(dtype);
  // Values are in [-1, 1): errors scale with sqrt(k); float32 rounds once at the end per KC slice.
  const tolerance = dtype === 'float32' ? 2e-6 * Math.max(1, Math.sqrt(k)) : 1e-12 * k;
  expectValues(result, ref.values, { shape: ref.shape, tolerance });
}

const TRANSPOSES: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe('matmul', () => {
  test('transpose(X) @ X', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const expected = [
      [17, 22, 27],
      [22, 29, 36],
      [27, 36, 45],
    ];
    expect(x.T.matmul(x).arraySync()).toEqual(expected);
    expect(matmul(x, x, { transposeA: true }).arraySync()).toEqual(expected);
    expect(matmul(x, x, { transposeB: true }).arraySync()).toEqual([
      [14, 32],
      [32, 77],
    ]);
  });

  test('incompatible shapes name matmul and both shapes', () => {
    const a = zeros([2, 3]);
    const b = zeros([4, 5]);
    expect(() => matmul(a, b)).toThrow(/matmul/);
    expect(() => matmul(a, b)).toThrow(/\[2,3\]/);
    expect(() => matmul(a, b)).toThrow(/\[4,5\]/);
  });

  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 33],
    [7, 33, 1],
    [33, 1, 7],
    [7, 7, 7],
    [33, 65, 7],
    [65, 33, 129],
    [129, 65, 33],
    [5, 129, 65],
  ];
  for (const [tA, tB] of TRANSPOSES) {
    test.each(sizes)(
      `float32 %i x %i x %i (transposeA=${tA}, transposeB=${tB}) matches a float64 loop`,
      (m, k, n) => check(m, k, n, { tA, tB }, m * 1000 + k * 10 + n),
    );
  }

  test.each(TRANSPOSES)('float64 across block edges (transposeA=%s, transposeB=%s)', (tA, tB) => {
    // m > MC (128) and k > KC (256) exercise several row blocks and inner-dimension slices.
    check(131, 300, 37, { dtype: 'float64', tA, tB }, 5);
  });

  test('float32 with k spanning several KC slices', () => {
    check(9, 600, 17, {}, 9);
  });

  test.each(TRANSPOSES)(
    'batched with broadcast batch axes (transposeA=%s, transposeB=%s)',
    (tA, tB) => {
      check(7, 33, 9, { batchA: [2, 1], batchB: [3], tA, tB }, 21);
      check(5, 3, 65, { batchA: [1, 4], batchB: [3, 1], tA, tB }, 22);
      // A shared B: the batch folds into the rows of A.
      check(7, 33, 17, { batchA: [3, 2], tA, tB }, 23);
      // A shared A.
      check(17, 9, 5, { batchB: [4], dtype: 'float64', tA, tB }, 24);
    },
  );

  test('1-D operands', () => {
    const v = tensor([1, 2, 3]);
    const m = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expectValues(matmul(v, v), [14], { shape: [] });
    expectValues(matmul(v, m), [4, 5], { shape: [2] });
    expectValues(matmul(m, tensor([1, 2])), [1, 2, 3], { shape: [3] });
  });

  test('int32 is exact and wraps; mixed dtypes promote', () => {
    const a = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      [2, 2],
      'int32',
    );
    const r = matmul(a, a);
    expect(r.dtype).toBe('int32');
    expect(r.arraySync()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    const big = tensor([[65536, 65536]], [1, 2], 'int32');
    const wrapped = matmul(big, tensor([[65536], [1]], [2, 1], 'int32'));
    expect(wrapped.arraySync()).toEqual([[65536]]);
    const t = matmul(a, a, { transposeA: true, transposeB: true });
    expect(t.arraySync()).toEqual([
      [7, 15],
      [10, 22],
    ]);
    const mixed = matmul(a, tensor([[0.5], [0.25]]));
    expect(mixed.dtype).toBe('float32');
    expect(mixed.arraySync()).toEqual([[1], [2.5]]);
  });

  test('int32 against a loop with batches', () => {
    const aValues = Array.from({ length: 2 * 3 * 4 }, (_, i) => ((i * 7) % 11) - 5);
    const bValues = Array.from({ length: 4 * 5 }, (_, i) => ((i * 5) % 9) - 4);
    const a = tensor(aValues, [24], 'int32').reshape([2, 3, 4]);
    const b = tensor(bValues, [20], 'int32').reshape([4, 5]);
    const ref = matmulReference(aValues, [2, 3, 4], bValues, [4, 5], false, false);
    const r = matmul(a, b);
    expect(r.shape).toEqual(ref.shape);
    expect(Array.from(r.dataSync())).toEqual(ref.values);
  });

  test('empty operands', () => {
    expectValues(matmul(zeros([0, 3]), zeros([3, 4])), [], { shape: [0, 4] });
    expectValues(matmul(zeros([2, 0]), zeros([0, 3])), [0, 0, 0, 0, 0, 0], { shape: [2, 3] });
    expectValues(matmul(zeros([0, 2, 3]), zeros([3, 4])), [], { shape: [0, 2, 4] });
  });

  test('NaN and Infinity propagate', () => {
    const a = tensor([
      [Number.NaN, 0],
      [1, 0],
    ]);
    const b = tensor([
      [0, 1],
      [Number.POSITIVE_INFINITY, 1],
    ]);
    // 0 * Infinity is NaN, so no zero may be skipped.
    expectValues(matmul(a, b), [Number.NaN, Number.NaN, Number.NaN, 1]);
    const big = zeros([20, 20]).add(1);
    const inf = matmul(big.mul(Number.POSITIVE_INFINITY), big);
    expect(Array.from(inf.dataSync()).every((v) => v === Number.POSITIVE_INFINITY)).toBe(true);
  });
});
