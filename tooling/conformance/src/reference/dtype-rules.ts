import type { BinaryOp, DType, ReduceOp, UnaryOp } from '@tessera/tensor';
import type { OpCall } from '../types';

/**
 * The tensor layer's dtype rules (`ops/elementwise.ts`, `ops/reduce.ts`, `ops/matmul.ts` of
 * `@tessera/tensor`), written out again so the reference does not run Tessera code. `compute`
 * is the dtype the inputs are cast to before the kernel runs, `output` the kernel's result.
 */
export interface DTypePlan {
  readonly compute: DType;
  readonly output: DType;
}

const PROMOTION_RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Returns the smaller dtype that can represent both (bool < int32 < float32 < float64). */
export function promote(a: DType, b: DType): DType {
  return PROMOTION_RANK[a] >= PROMOTION_RANK[b] ? a : b;
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Unary ops defined only on floats: the tensor layer casts int32 and bool inputs to float32. */
export const FLOAT_ONLY_UNARY: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
]);

export const COMPARISONS: ReadonlySet<BinaryOp> = new Set<BinaryOp>([
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
]);

export function unaryPlan(op: UnaryOp, x: DType): DTypePlan {
  if (op === 'logicalNot') return { compute: 'bool', output: 'bool' };
  if (op === 'isnan' || op === 'isfinite') return { compute: x, output: 'bool' };
  const floatOnly = FLOAT_ONLY_UNARY.has(op);
  let compute = x;
  if (x === 'bool') compute = floatOnly ? 'float32' : 'int32';
  else if (x === 'int32' && floatOnly) compute = 'float32';
  return { compute, output: compute };
}

export function binaryPlan(op: BinaryOp, a: DType, b: DType): DTypePlan {
  if (op === 'logicalAnd' || op === 'logicalOr') return { compute: 'bool', output: 'bool' };
  const promoted = promote(a, b);
  if (COMPARISONS.has(op)) return { compute: promoted, output: 'bool' };
  let compute = promoted;
  // True division: int32 and bool operands divide (and raise to powers) as float32.
  if (op === 'div' || op === 'pow') compute = isFloat(promoted) ? promoted : 'float32';
  else if (promoted === 'bool') compute = 'int32';
  return { compute, output: compute };
}

export function reducePlan(op: ReduceOp, x: DType): DTypePlan {
  const compute = x === 'bool' ? 'int32' : x;
  const sumsToInt = (op === 'sum' || op === 'prod') && !isFloat(x);
  return { compute, output: sumsToInt ? 'int32' : x };
}

export function matmulPlan(a: DType, b: DType): DTypePlan {
  const compute = promote(a, b);
  if (compute === 'bool') throw new RangeError('reference: matmul does not take bool operands');
  return { compute, output: compute };
}

/**
 * Returns the output dtype of `call` and the dtypes it needs beyond its inputs' (the casts the
 * tensor layer inserts, and the output). `call` must have no `float` placeholder left.
 */
export function planCall(
  call: OpCall,
  inputs: readonly DType[],
): { readonly output: DType; readonly dtypes: readonly DType[] } {
  const plan = kernelPlan(call, inputs);
  return { output: plan.output, dtypes: [plan.compute, plan.output] };
}

function kernelPlan(call: OpCall, inputs: readonly DType[]): DTypePlan {
  switch (call.name) {
    case 'unary':
      return unaryPlan(call.op, inputs[0]);
    case 'binary':
      return binaryPlan(call.op, inputs[0], inputs[1]);
    case 'cast':
    case 'fill': {
      if (call.dtype === 'float')
        throw new TypeError(
          "planCall: the call still has dtype 'float'; plan an instance, not a case",
        );
      return { compute: call.dtype, output: call.dtype };
    }
    case 'reduce':
      return reducePlan(call.op, inputs[0]);
    case 'argReduce':
      return { compute: inputs[0], output: 'int32' };
    case 'matmul':
      return matmulPlan(inputs[0], inputs[1]);
    case 'where': {
      const promoted = promote(inputs[1], inputs[2]);
      return { compute: promoted, output: promoted };
    }
    default:
      return { compute: inputs[0], output: inputs[0] };
  }
}
