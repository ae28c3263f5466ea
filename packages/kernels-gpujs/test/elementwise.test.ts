import {
  binary,
  broadcastTo,
  cast,
  full,
  type Tensor,
  type UnaryOp,
  unary,
  where,
} from '@tessera/tensor';
import { test } from 'vitest';
import { describeEachMode, expectMatchesCpu, seededIntegers, seededValues } from './helpers';

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
  0.49999997,
  1e-7,
  -1e-4,
  3,
  10,
  -30,
  88,
  -100,
  1e30,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
];

/** GLSL's exp, log, sin, cos and pow are approximations; 2e-5 covers them on llvmpipe. */
const TRANSCENDENTAL_TOLERANCE = 2e-5;

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

/**
 * GLSL sin and cos reduce their argument with limited precision: llvmpipe is accurate below
 * about 1e7 and many GPUs only far below that, so 1e30 is left out for them.
 */
const PERIODIC = new Set<UnaryOp>(['sin', 'cos']);

describeEachMode('Unary', (context) => {
  for (const op of UNARY_OPS) {
    test(`${op} on special values`, async () => {
      const values = PERIODIC.has(op) ? SPECIAL.filter((v) => Math.abs(v) !== 1e30) : SPECIAL;
      const spec = { shape: [values.length], values };
      await expectMatchesCpu(context, [spec], (x) => unary(op, x), TRANSCENDENTAL_TOLERANCE);
    });
  }

  test('sin and cos over a range of magnitudes', async () => {
    const values = seededValues(200, 9, -1000, 1000);
    for (const op of ['sin', 'cos'] as const) {
      await expectMatchesCpu(context, [{ shape: [200], values }], (x) => unary(op, x), 1e-5);
    }
  });

  test('int32 and bool inputs', async () => {
    const ints = { shape: [6], dtype: 'int32' as const, values: [-3, -1, 0, 1, 2, 4096] };
    const bools = { shape: [3], dtype: 'bool' as const, values: [0, 1, 1] };
    for (const op of ['neg', 'abs', 'sign', 'square', 'relu', 'exp', 'logicalNot'] as UnaryOp[]) {
      await expectMatchesCpu(context, [ints], (x) => unary(op, x), TRANSCENDENTAL_TOLERANCE);
      await expectMatchesCpu(context, [bools], (x) => unary(op, x), TRANSCENDENTAL_TOLERANCE);
    }
  });
});

describeEachMode('Binary', (context) => {
  const ops = [
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
  ] as const;
  const a = { shape: [SPECIAL.length, 1], values: SPECIAL };
  const b = { shape: [1, 7], values: [0, 1, -2, 0.5, 3, Number.NaN, Number.POSITIVE_INFINITY] };

  for (const op of ops) {
    test(`${op} with broadcasting and special values`, async () => {
      // pow(±1, y) follows PyTorch here and JavaScript on the CPU backend; the conformance suite
      // checks it.
      const base =
        op === 'pow'
          ? { shape: [SPECIAL.length - 2, 1], values: SPECIAL.filter((v) => Math.abs(v) !== 1) }
          : a;
      await expectMatchesCpu(
        context,
        [base, b],
        (x, y) => binary(op, x, y),
        TRANSCENDENTAL_TOLERANCE,
      );
    });
  }

  test('general broadcast over three axes', async () => {
    const left = { shape: [2, 1, 4], values: seededValues(8, 1) };
    const right = { shape: [3, 1], values: seededValues(3, 2) };
    for (const op of ['add', 'mul', 'sub', 'greater'] as const) {
      await expectMatchesCpu(context, [left, right], (x, y) => binary(op, x, y));
    }
  });

  test('int32 arithmetic is exact', async () => {
    const left = {
      shape: [50],
      dtype: 'int32' as const,
      values: seededIntegers(50, 3, -4000, 4000),
    };
    const right = {
      shape: [50],
      dtype: 'int32' as const,
      values: seededIntegers(50, 4, -4000, 4000),
    };
    for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum', 'less', 'equal'] as const) {
      await expectMatchesCpu(context, [left, right], (x, y) => binary(op, x, y), 0);
    }
  });

  test('bool operands', async () => {
    const left = { shape: [4], dtype: 'bool' as const, values: [0, 0, 1, 1] };
    const right = { shape: [4], dtype: 'bool' as const, values: [0, 1, 0, 1] };
    for (const op of ['logicalAnd', 'logicalOr', 'equal', 'add', 'mul'] as const) {
      await expectMatchesCpu(context, [left, right], (x, y) => binary(op, x, y), 0);
    }
  });

  test('pow with integer and negative bases', async () => {
    const base = { shape: [6, 1], values: [-2, -1.5, 0, 1, 2, 10] };
    const exponent = { shape: [1, 7], values: [-3, -1, 0, 1, 2, 3, 0.5] };
    await expectMatchesCpu(context, [base, exponent], (x, y) => x.pow(y), TRANSCENDENTAL_TOLERANCE);
  });
});

describeEachMode('Cast, Fill, Expand and Where', (context) => {
  test('cast between every dtype pair', async () => {
    const floats = {
      shape: [10],
      values: [1.7, -1.7, 0.5, -0.5, 0, 3, 1e6, Number.NaN, Infinity, -Infinity],
    };
    for (const target of ['int32', 'bool', 'float32'] as const) {
      await expectMatchesCpu(context, [floats], (x) => cast(x, target), 0);
    }
    const ints = { shape: [4], dtype: 'int32' as const, values: [-5, 0, 7, 16777216] };
    await expectMatchesCpu(context, [ints], (x) => cast(x, 'float32'), 0);
    await expectMatchesCpu(context, [ints], (x) => cast(x, 'bool'), 0);
    const bools = { shape: [2], dtype: 'bool' as const, values: [1, 0] };
    await expectMatchesCpu(context, [bools], (x) => cast(x, 'int32'), 0);
  });

  test('fill with special values in each dtype', async () => {
    for (const value of [0, -2.5, 1e-45, Number.NaN, Infinity, -Infinity, 3.4028234663852886e38]) {
      await expectMatchesCpu(context, [], () => full([2, 3], value), 0);
      await expectMatchesCpu(context, [], () => full([5], value, 'bool'), 0);
    }
    await expectMatchesCpu(context, [], () => full([3], -7.9, 'int32'), 0);
    await expectMatchesCpu(context, [], () => full([0, 3], 1), 0);
    await expectMatchesCpu(context, [], () => full([], 4), 0);
  });

  test('expand to a larger shape', async () => {
    const x = { shape: [3, 1], values: [1, 2, 3] };
    await expectMatchesCpu(context, [x], (t) => broadcastTo(t, [2, 3, 4]), 0);
    const scalar = { shape: [], values: [5] };
    await expectMatchesCpu(context, [scalar], (t) => broadcastTo(t, [4]), 0);
  });

  test('where with broadcasting', async () => {
    const condition = { shape: [2, 1], dtype: 'bool' as const, values: [1, 0] };
    const a = { shape: [3], values: [1, 2, 3] };
    const b = { shape: [2, 3], values: [10, 20, 30, 40, 50, Number.NaN] };
    await expectMatchesCpu(context, [condition, a, b], (c, x, y) => where(c, x, y), 0);
  });

  test('ops on empty tensors', async () => {
    const empty = { shape: [0, 3], values: [] };
    const row = { shape: [3], values: [1, 2, 3] };
    await expectMatchesCpu(context, [empty, row], (x, y) => x.add(y), 0);
    await expectMatchesCpu(context, [empty], (x: Tensor) => x.exp(), 0);
  });
});
