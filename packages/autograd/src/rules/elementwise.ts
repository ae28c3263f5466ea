import {
  type BinaryOp,
  cos,
  equal,
  greater,
  isnan,
  less,
  log,
  logicalOr,
  pow,
  sign,
  sin,
  type Tensor,
  type UnaryOp,
  where,
  zerosLike,
} from '@tessera/tensor';
import { sumToShape } from '../reduce-to';
import type { GradRule } from './types';

type UnaryGrad = (x: Tensor, y: Tensor, dy: Tensor) => Tensor | null;

/** d(input) for each unary op, from the input x, the output y and the output gradient dy. */
const UNARY_GRADS: Record<UnaryOp, UnaryGrad> = {
  neg: (_x, _y, dy) => dy.neg(),
  abs: (x, _y, dy) => dy.mul(sign(x)),
  sign: (x) => zerosLike(x),
  exp: (_x, y, dy) => dy.mul(y),
  expm1: (_x, y, dy) => dy.mul(y.add(1)),
  log: (x, _y, dy) => dy.div(x),
  log1p: (x, _y, dy) => dy.div(x.add(1)),
  sqrt: (_x, y, dy) => dy.div(y.mul(2)),
  rsqrt: (_x, y, dy) => dy.mul(y.mul(y).mul(y)).mul(-0.5),
  square: (x, _y, dy) => dy.mul(x).mul(2),
  reciprocal: (_x, y, dy) => dy.mul(y.square()).neg(),
  sin: (x, _y, dy) => dy.mul(cos(x)),
  cos: (x, _y, dy) => dy.mul(sin(x)).neg(),
  tanh: (_x, y, dy) => dy.mul(y.square().neg().add(1)),
  sigmoid: (_x, y, dy) => dy.mul(y).mul(y.neg().add(1)),
  relu: (x, _y, dy) => where(greater(x, 0), dy, 0),
  floor: (x) => zerosLike(x),
  ceil: (x) => zerosLike(x),
  round: (x) => zerosLike(x),
  isnan: () => null,
  isfinite: () => null,
  logicalNot: () => null,
};

export const unaryRule: GradRule<'Unary'> = ({ inputs, attrs, output }, dy) => [
  UNARY_GRADS[attrs.op](inputs[0], output, dy),
];

type BinaryGrad = (a: Tensor, b: Tensor, y: Tensor, dy: Tensor) => [Tensor | null, Tensor | null];

/** The share of the gradient each side of maximum/minimum gets: all, none, or half on a tie. */
function extremumShares(a: Tensor, b: Tensor, aWins: Tensor, dy: Tensor): [Tensor, Tensor] {
  const tie = equal(a, b);
  const half = dy.mul(0.5);
  const gradA = where(tie, half, where(aWins, dy, 0));
  const gradB = where(tie, half, where(aWins, 0, dy));
  return [gradA, gradB];
}

const BINARY_GRADS: Record<BinaryOp, BinaryGrad> = {
  add: (_a, _b, _y, dy) => [dy, dy],
  sub: (_a, _b, _y, dy) => [dy, dy.neg()],
  mul: (a, b, _y, dy) => [dy.mul(b), dy.mul(a)],
  div: (a, b, _y, dy) => [dy.div(b), dy.mul(a).div(b.square()).neg()],
  // As PyTorch: no gradient flows to the base where the exponent is 0, nor to the exponent
  // where the base is 0 (log 0 would turn it into NaN).
  pow: (a, b, y, dy) => [
    where(equal(b, 0), 0, dy.mul(b).mul(pow(a, b.sub(1)))),
    where(equal(a, 0), 0, dy.mul(y).mul(log(a))),
  ],
  maximum: (a, b, _y, dy) => extremumShares(a, b, logicalOr(greater(a, b), isnan(a)), dy),
  minimum: (a, b, _y, dy) => extremumShares(a, b, logicalOr(less(a, b), isnan(a)), dy),
  equal: () => [null, null],
  notEqual: () => [null, null],
  less: () => [null, null],
  lessEqual: () => [null, null],
  greater: () => [null, null],
  greaterEqual: () => [null, null],
  logicalAnd: () => [null, null],
  logicalOr: () => [null, null],
};

export const binaryRule: GradRule<'Binary'> = ({ inputs, attrs, output }, dy) => {
  const [a, b] = inputs;
  const [gradA, gradB] = BINARY_GRADS[attrs.op](a, b, output, dy);
  return [gradA && sumToShape(gradA, a.shape), gradB && sumToShape(gradB, b.shape)];
};

export const whereRule: GradRule<'Where'> = ({ inputs }, dy) => {
  const [condition, a, b] = inputs;
  return [
    null,
    sumToShape(where(condition, dy, 0), a.shape),
    sumToShape(where(condition, 0, dy), b.shape),
  ];
};
