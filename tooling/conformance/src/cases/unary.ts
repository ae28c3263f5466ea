import type { UnaryOp } from '@tessera/tensor';
import { UNARY_OPS } from '../ops';
import type { ConformanceCase, Generator } from '../types';
import { bool, float, INF, int32, SPECIAL_COUNT, SPECIALS, values } from './build';

/** Inputs inside each op's domain and clear of its kinks, so gradients can be checked too. */
const DOMAIN: Record<UnaryOp, Generator> = {
  neg: { kind: 'uniform' },
  abs: { kind: 'nonzero' },
  sign: { kind: 'nonzero' },
  exp: { kind: 'uniform', low: -3, high: 3 },
  expm1: { kind: 'uniform', low: -2, high: 2 },
  log: { kind: 'positive' },
  log1p: { kind: 'uniform', low: -0.5, high: 2 },
  sqrt: { kind: 'positive' },
  rsqrt: { kind: 'positive' },
  square: { kind: 'uniform', low: -2, high: 2 },
  reciprocal: { kind: 'nonzero', min: 0.5, max: 2 },
  sin: { kind: 'uniform', low: -4, high: 4 },
  cos: { kind: 'uniform', low: -4, high: 4 },
  tanh: { kind: 'uniform', low: -3, high: 3 },
  sigmoid: { kind: 'uniform', low: -6, high: 6 },
  relu: { kind: 'nonzero' },
  floor: { kind: 'nonInteger' },
  ceil: { kind: 'nonInteger' },
  round: { kind: 'nonInteger' },
  isnan: { kind: 'uniform' },
  isfinite: { kind: 'uniform' },
  logicalNot: { kind: 'integers', low: -1, high: 1 },
};

/** For every op: plain floats, special values, int32 and bool inputs. */
function perOpCases(op: UnaryOp): ConformanceCase[] {
  const call = { name: 'unary', op } as const;
  return [
    { id: `unary/${op}`, call, inputs: [float([3, 5], DOMAIN[op])], tags: ['odd'] },
    {
      id: `unary/${op}-special`,
      call,
      inputs: [float([SPECIAL_COUNT], SPECIALS)],
      tags: ['nan-inf'],
    },
    { id: `unary/${op}-int32`, call, inputs: [int32([2, 7])], tags: ['int'] },
    { id: `unary/${op}-bool`, call, inputs: [bool([2, 7])], tags: ['int'] },
  ];
}

const INT32_EXTREMES = [-2147483648, 2147483647, -1, 0, 46341, 65536, -65536, 7];

/** Absolute tolerance 0, so a result that loses the tiny value (exp(x) - 1) fails. */
const RELATIVE_ONLY = {
  float32: { atol: 0, rtol: 1e-4 },
  float64: { atol: 0, rtol: 1e-10 },
};

const TINY = [1e-10, -1e-10, 1e-20, 3e-8, -3e-8, 1e-30, -1e-30, 2e-5];

const specialPurposeCases: ConformanceCase[] = [
  ...(['neg', 'abs', 'square', 'sign', 'relu'] as const).map(
    (op): ConformanceCase => ({
      id: `unary/${op}-int32-wraps`,
      call: { name: 'unary', op },
      inputs: [values([INT32_EXTREMES.length], 'int32', INT32_EXTREMES)],
      tags: ['int'],
    }),
  ),
  {
    id: 'unary/expm1-tiny',
    call: { name: 'unary', op: 'expm1' },
    inputs: [values([TINY.length], 'float', TINY)],
    tags: ['nan-inf'],
    tolerance: RELATIVE_ONLY,
  },
  {
    id: 'unary/log1p-tiny',
    call: { name: 'unary', op: 'log1p' },
    inputs: [values([TINY.length], 'float', TINY)],
    tags: ['nan-inf'],
    tolerance: RELATIVE_ONLY,
  },
  {
    id: 'unary/round-half-to-even',
    call: { name: 'unary', op: 'round' },
    inputs: [
      values(
        [12],
        'float',
        [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -3.5, 0.49999997, 2.4999998, 1e30, -7.5],
      ),
    ],
    tags: [],
    noGradient: 'round jumps at every input of this case',
  },
  {
    id: 'unary/sigmoid-saturates',
    call: { name: 'unary', op: 'sigmoid' },
    inputs: [values([8], 'float', [-100, -30, -20, 20, 30, 100, -1e30, 1e30])],
    tags: ['nan-inf'],
  },
  {
    id: 'unary/tanh-saturates',
    call: { name: 'unary', op: 'tanh' },
    inputs: [values([7], 'float', [-100, -20, 20, 100, 1e30, -1e30, 1e-30])],
    tags: ['nan-inf'],
  },
  {
    id: 'unary/exp-overflows',
    call: { name: 'unary', op: 'exp' },
    inputs: [values([8], 'float', [88, 89, 100, -103, -104, -1000, 709, 710])],
    tags: ['nan-inf'],
  },
  {
    id: 'unary/log-zero-and-negative',
    call: { name: 'unary', op: 'log' },
    inputs: [values([5], 'float', [0, -0, -1, INF, 1e-30])],
    tags: ['nan-inf'],
  },
  {
    id: 'unary/exp-empty',
    call: { name: 'unary', op: 'exp' },
    inputs: [float([3, 0])],
    tags: ['empty'],
  },
  {
    id: 'unary/tanh-scalar',
    call: { name: 'unary', op: 'tanh' },
    inputs: [float([])],
    tags: ['size1'],
  },
  {
    id: 'unary/sqrt-odd-rank3',
    call: { name: 'unary', op: 'sqrt' },
    inputs: [float([7, 13, 3], { kind: 'positive' })],
    tags: ['odd'],
  },
  {
    id: 'unary/sigmoid-large',
    call: { name: 'unary', op: 'sigmoid' },
    inputs: [float([1_048_579], { kind: 'uniform', low: -8, high: 8 })],
    tags: ['large', 'odd'],
  },
];

export const UNARY_CASES: readonly ConformanceCase[] = [
  ...UNARY_OPS.flatMap(perOpCases),
  ...specialPurposeCases,
];
