import {
  type BinaryOp,
  binary,
  broadcastTo,
  cast,
  type DType,
  full,
  tensor,
  type UnaryOp,
  unary,
  where,
} from '@tessera/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { expectClose, expectMatchesCpu, onBoth, seededValues, startWebGPU } from './harness';

const harness = await startWebGPU();
afterAll(() => harness.stop());

/** Float32 inputs that exercise the special cases: signed zeros, NaN, infinities, halves, extremes. */
const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3.7,
  -3.7,
  1e-7,
  -1e-7,
  0.3,
  100,
  -100,
  88,
  89,
  -104,
  1e30,
  -1e30,
  3e38,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 31,
  -(2 ** 31),
  3e9,
  -3e9,
  1e12,
  1000.7,
  Math.PI,
  -Math.PI,
  1e4,
  0.49999997,
];

const INTS = [0, 1, -1, 7, -7, 2147483647, -2147483648, 46341, -46341, 123456, 65536];

const UNARY_OPS: UnaryOp[] = [
  'neg',
  'abs',
  'sign',
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'floor',
  'ceil',
  'round',
  'isnan',
  'isfinite',
  'logicalNot',
];

const BINARY_OPS: BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
  'logicalAnd',
  'logicalOr',
];

/** Relative tolerance per op: GPU transcendental functions are within a few ulp, not exact. */
function tolerance(op: string): number {
  return ['exp', 'expm1', 'log', 'log1p', 'sin', 'cos', 'tanh', 'sigmoid', 'pow'].includes(op)
    ? 2e-6
    : 1e-7;
}

describe.skipIf(harness.backend === null)('Unary', () => {
  test.each(UNARY_OPS)('%s on float32 special values', async (op) => {
    await expectMatchesCpu(() => unary(op, tensor(SPECIAL)), tolerance(op), op);
  });

  test.each(UNARY_OPS)('%s on int32 with wrap-around', async (op) => {
    const values = INTS;
    await expectMatchesCpu(
      () => unary(op, tensor(values, [values.length], 'int32')),
      tolerance(op),
      op,
    );
  });

  test.each(UNARY_OPS)('%s on bool', async (op) => {
    await expectMatchesCpu(() => unary(op, tensor([true, false, true])), tolerance(op), op);
  });

  test('expm1 and log1p keep small arguments accurate', async () => {
    const small = [1e-10, -1e-10, 1e-5, -1e-5, 0.01, -0.01, 0.4999, -0.4999, 0.5, -0.5];
    await expectMatchesCpu(() => unary('expm1', tensor(small)), 2e-7);
    await expectMatchesCpu(() => unary('log1p', tensor(small)), 2e-7);
  });

  test('sin and cos reduce large arguments', async () => {
    const values = Array.from({ length: 64 }, (_, i) => (i - 32) * 37.3);
    values.push(12000.5, -12900.25, 1e5 + 0.5, 654321.5, -7.5e6, 2.5e7, 2.7e7, -1e9, 3.4e38);
    await expectMatchesCpu(() => unary('sin', tensor(values)), 2e-6);
    await expectMatchesCpu(() => unary('cos', tensor(values)), 2e-6);
  });

  test('round sends halves to even', async () => {
    const { gpu } = await onBoth(() =>
      unary('round', tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4])),
    );
    expect(Array.from(gpu)).toEqual([0, 2, 2, -0, -2, -2, 2]);
  });
});

/**
 * Compares `op(a, b)` (a and b broadcast against each other) with the CPU backend. For pow, the
 * expected value of pow(1, y) and pow(-1, ±Infinity) is 1, as in C, PyTorch and the conformance
 * suite. The CPU backend's JavaScript `**` gives NaN there, a known gap of its conformance run.
 */
async function expectBinaryMatchesCpu(
  op: BinaryOp,
  a: readonly number[],
  aShape: number[],
  b: readonly number[],
  bShape: number[],
): Promise<void> {
  const { cpu, gpu, cpuShape, gpuShape } = await onBoth(() =>
    binary(op, tensor(a, aShape), tensor(b, bShape)),
  );
  expect(gpuShape).toEqual(cpuShape);
  const expected = Array.from(cpu);
  if (op === 'pow') {
    const [rows, columns] = cpuShape.length === 2 ? cpuShape : [1, cpuShape[0]];
    for (let i = 0; i < expected.length; i++) {
      const x = a[aShape.length === 2 && aShape[1] === 1 ? Math.floor(i / columns) : i % a.length];
      const y = b[bShape.length === 2 && bShape[0] === 1 ? i % columns : i % b.length];
      if (x === 1 || (x === -1 && Math.abs(y) === Infinity)) expected[i] = 1;
    }
    expect(rows * columns).toBe(expected.length);
  }
  expectClose(gpu, expected, tolerance(op), op);
}

describe.skipIf(harness.backend === null)('Binary', () => {
  const a = SPECIAL.slice(0, 24);
  const b = [...SPECIAL.slice(0, 24)].reverse();

  test.each(BINARY_OPS)('%s on float32 special values', async (op) => {
    await expectBinaryMatchesCpu(op, a, [a.length], b, [b.length]);
  });

  test.each(BINARY_OPS)('%s on every pair of special values', async (op) => {
    const n = SPECIAL.length;
    await expectBinaryMatchesCpu(op, SPECIAL, [n, 1], SPECIAL, [1, n]);
  });

  test.each(BINARY_OPS)('%s on int32 with wrap-around', async (op) => {
    const n = INTS.length;
    await expectMatchesCpu(
      () => binary(op, tensor(INTS, [n, 1], 'int32'), tensor(INTS, [1, n], 'int32')),
      tolerance(op),
      op,
    );
  });

  test.each(BINARY_OPS)('%s on bool', async (op) => {
    await expectMatchesCpu(
      () => binary(op, tensor([true, true, false, false]), tensor([true, false, true, false])),
      tolerance(op),
      op,
    );
  });

  test('pow follows the special cases of C', async () => {
    const bases = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 10, Number.NaN, Infinity, -Infinity, 1.0001];
    const exponents = [0, -0, 1, -1, 2, -2, 3, -3, 0.5, -0.5, 1.5, 64, 65, -70, Infinity];
    exponents.push(-Infinity, Number.NaN, 1e10, 3e9 + 0.5, 2 ** 40);
    await expectBinaryMatchesCpu('pow', bases, [bases.length, 1], exponents, [1, exponents.length]);
    const { gpu } = await onBoth(() =>
      binary(
        'pow',
        tensor([1, 1, -1, -1, -1]),
        tensor([Number.NaN, Infinity, Infinity, -Infinity, Number.NaN]),
      ),
    );
    expect(Array.from(gpu)).toEqual([1, 1, 1, 1, Number.NaN]);
  });

  test('broadcasts across every axis pattern', async () => {
    const x = seededValues(2 * 2 * 3 * 4 * 5, 1);
    const shapes: [number[], number[]][] = [
      [[2, 3, 4, 5], [5]],
      [
        [2, 3, 4, 5],
        [4, 1],
      ],
      [
        [2, 1, 4, 1],
        [3, 1, 5],
      ],
      [[1], [2, 3, 4, 5]],
      [
        [2, 3, 1, 5],
        [2, 1, 4, 5],
      ],
      [[], [3, 4]],
    ];
    for (const [sa, sb] of shapes) {
      const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);
      await expectMatchesCpu(
        () => binary('sub', tensor(x.slice(0, size(sa)), sa), tensor(x.slice(7, 7 + size(sb)), sb)),
        1e-7,
        `${sa} - ${sb}`,
      );
    }
  });

  test('handles empty tensors', async () => {
    await expectMatchesCpu(() => binary('add', tensor([], [0, 3]), tensor([1, 2, 3])));
  });
});

describe.skipIf(harness.backend === null)('Cast, Fill, Expand and Where', () => {
  const dtypes: DType[] = ['float32', 'int32', 'bool'];

  test.each(dtypes.flatMap((from) => dtypes.map((to) => [from, to] as const)))(
    'Cast %s to %s',
    async (from, to) => {
      let values = [1, 0, 1];
      if (from === 'float32') values = SPECIAL;
      if (from === 'int32') values = INTS;
      await expectMatchesCpu(() => cast(tensor(values, [values.length], from), to));
    },
  );

  test.each([
    [0, 'float32'],
    [-0, 'float32'],
    [2.7, 'int32'],
    [-3e9, 'int32'],
    [Number.NaN, 'float32'],
    [Number.NaN, 'bool'],
    [Number.NEGATIVE_INFINITY, 'float32'],
    [0.5, 'bool'],
  ] as const)('Fill with %s as %s', async (value, dtype) => {
    await expectMatchesCpu(() => full([3, 5], value, dtype));
  });

  test('Expand broadcasts to a larger shape', async () => {
    await expectMatchesCpu(() => broadcastTo(tensor([1, 2, 3], [3, 1]), [2, 3, 4]));
    await expectMatchesCpu(() => broadcastTo(tensor([7], [1, 1], 'int32'), [4, 5]));
  });

  test('Where broadcasts condition and both branches', async () => {
    const condition = () => tensor([true, false, true], [3, 1]);
    await expectMatchesCpu(() =>
      where(condition(), tensor(seededValues(12, 2), [3, 4]), tensor([0, -1, Number.NaN, 5])),
    );
    await expectMatchesCpu(() =>
      where(condition(), tensor([1, 2], [1, 2], 'int32'), tensor([9], [1], 'int32')),
    );
    await expectMatchesCpu(() => where(condition(), tensor([true, false]), tensor([false])));
  });
});
