import type { DType, KernelCall, UnaryOp } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { CONVERT_SNIPPETS, convertValue, isNonzero } from '../program/convert';
import { DIV, EXP_LOG, EXPM1_LOG1P, SIGMOID_TANH, SIN_COS } from '../program/float-math';
import { INT_WRAP } from '../program/snippets';
import { runStridedMap } from '../program/strided-map';
import { contiguousStrides } from '../program/strides';
import { storageOf, type WebGPUStorage } from '../storage';

type Formula = (x: string) => string;

/** Float32 formulas. The caller passes a NaN input through unchanged, so they need not handle it. */
const FLOAT_FORMULAS: Record<Exclude<UnaryOp, PredicateOp>, Formula> = {
  neg: (x) => `-${x}`,
  abs: (x) => `abs(${x})`,
  sign: (x) => `sign(${x})`,
  exp: (x) => `expF32(${x})`,
  expm1: (x) => `expm1F32(${x})`,
  log: (x) => `logF32(${x})`,
  log1p: (x) => `log1pF32(${x})`,
  sqrt: (x) => `sqrtF32(${x})`,
  rsqrt: (x) => `divF32(1.0, sqrtF32(${x}))`,
  square: (x) => `${x} * ${x}`,
  reciprocal: (x) => `divF32(1.0, ${x})`,
  sin: (x) => `sinF32(${x})`,
  cos: (x) => `cosF32(${x})`,
  tanh: (x) => `tanhF32(${x})`,
  sigmoid: (x) => `sigmoidF32(${x})`,
  // -0 becomes 0, as in the CPU backend.
  relu: (x) => `select(0.0, ${x}, ${x} > 0.0)`,
  floor: (x) => `floor(${x})`,
  ceil: (x) => `ceil(${x})`,
  // WGSL's round sends halves to the even neighbour.
  round: (x) => `round(${x})`,
};

/** int32 formulas for the ops that keep integers integral. The other ops compute in float32. */
const INT_FORMULAS: Partial<Record<UnaryOp, Formula>> = {
  neg: (x) => `negI32(${x})`,
  // abs of -2^31 is -2^31 in WGSL, the same wrap-around as the CPU backend's.
  abs: (x) => `abs(${x})`,
  sign: (x) => `sign(${x})`,
  square: (x) => `mulI32(${x}, ${x})`,
  relu: (x) => `max(${x}, 0)`,
  floor: (x) => x,
  ceil: (x) => x,
  round: (x) => x,
};

type PredicateOp = 'isnan' | 'isfinite' | 'logicalNot';

/** Returns the bool result of a predicate as a WGSL boolean expression. */
function predicate(op: PredicateOp, x: string, dtype: DType): string {
  if (op === 'logicalNot') return `!(${isNonzero(x, dtype)})`;
  if (dtype !== 'float32') return op === 'isnan' ? 'false' : 'true';
  return op === 'isnan' ? `isNanF32(${x})` : `isFiniteF32(${x})`;
}

function unaryExpression(op: UnaryOp, x: string, from: DType, to: DType): string {
  if (op === 'isnan' || op === 'isfinite' || op === 'logicalNot') {
    return convertValue(`select(0u, 1u, ${predicate(op, x, from)})`, 'bool', to);
  }
  const intFormula = from !== 'float32' ? INT_FORMULAS[op] : undefined;
  if (intFormula !== undefined) {
    return convertValue(intFormula(convertValue(x, from, 'int32')), 'int32', to);
  }
  const value = convertValue(x, from, 'float32');
  const result = `select(${FLOAT_FORMULAS[op](`(${value})`)}, ${value}, isNanF32(${value}))`;
  return convertValue(result, 'float32', to);
}

/** Computes elementwise math. `isnan`, `isfinite` and `logicalNot` output bool. */
export function unary(context: WebGPUContext, call: KernelCall<'Unary'>): WebGPUStorage {
  const [x] = call.inputs;
  const { op } = call.attrs;
  return runStridedMap(context, {
    name: `unary:${op}:${x.dtype}>${call.output.dtype}`,
    operands: [{ storage: storageOf(x), strides: contiguousStrides(x.shape), offset: 0 }],
    output: call.output,
    expression: ([v]) => unaryExpression(op, v, x.dtype, call.output.dtype),
    snippets: [...CONVERT_SNIPPETS, INT_WRAP, DIV, EXP_LOG, EXPM1_LOG1P, SIGMOID_TANH, SIN_COS],
  });
}
