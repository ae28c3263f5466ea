import type { BinaryOp, DType, KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import { CONVERT_SNIPPETS, convertValue, isNonzero } from '../program/convert';
import { DIV } from '../program/float-math';
import { POW } from '../program/pow';
import { INT_WRAP, MIN_MAX_F32 } from '../program/snippets';
import { runStridedMap } from '../program/strided-map';
import { broadcastStrides } from '../program/strides';
import { storageOf, type WebGPUStorage } from '../storage';

type Formula = (a: string, b: string) => string;

type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

const FLOAT_FORMULAS: Record<ArithmeticOp, Formula> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `divF32(${a}, ${b})`,
  pow: (a, b) => `powF32(${a}, ${b})`,
  maximum: (a, b) => `maxF32(${a}, ${b})`,
  minimum: (a, b) => `minF32(${a}, ${b})`,
};

/** int32 arithmetic that wraps. `div` and `pow` compute in float32 (the tensor layer sends floats). */
const INT_FORMULAS: Partial<Record<ArithmeticOp, Formula>> = {
  add: (a, b) => `addI32(${a}, ${b})`,
  sub: (a, b) => `subI32(${a}, ${b})`,
  mul: (a, b) => `mulI32(${a}, ${b})`,
  maximum: (a, b) => `max(${a}, ${b})`,
  minimum: (a, b) => `min(${a}, ${b})`,
};

const COMPARISONS: Partial<Record<BinaryOp, string>> = {
  equal: '==',
  notEqual: '!=',
  less: '<',
  lessEqual: '<=',
  greater: '>',
  greaterEqual: '>=',
};

/**
 * Returns a WGSL boolean for a comparison or logical op. Every comparison with NaN is false
 * except `notEqual`, and float comparisons test NaN explicitly because the shader compiler may
 * not guarantee that.
 */
function predicate(op: BinaryOp, a: string, b: string, dtype: DType): string | undefined {
  if (op === 'logicalAnd') return `${isNonzero(a, dtype)} && ${isNonzero(b, dtype)}`;
  if (op === 'logicalOr') return `${isNonzero(a, dtype)} || ${isNonzero(b, dtype)}`;
  const operator = COMPARISONS[op];
  if (operator === undefined) return undefined;
  if (dtype !== 'float32') return `${a} ${operator} ${b}`;
  const unordered = `isNanF32(${a}) || isNanF32(${b})`;
  return op === 'notEqual'
    ? `(${unordered}) || ${a} != ${b}`
    : `!(${unordered}) && ${a} ${operator} ${b}`;
}

function binaryExpression(op: BinaryOp, a: string, b: string, from: DType, to: DType): string {
  const condition = predicate(op, a, b, from);
  if (condition !== undefined) return convertValue(`select(0u, 1u, ${condition})`, 'bool', to);
  const arithmetic = op as ArithmeticOp;
  const intFormula = from !== 'float32' ? INT_FORMULAS[arithmetic] : undefined;
  if (intFormula !== undefined) {
    const result = intFormula(convertValue(a, from, 'int32'), convertValue(b, from, 'int32'));
    return convertValue(result, 'int32', to);
  }
  const result = FLOAT_FORMULAS[arithmetic](
    convertValue(a, from, 'float32'),
    convertValue(b, from, 'float32'),
  );
  return convertValue(result, 'float32', to);
}

/** Computes elementwise math with broadcasting. Comparisons and logical ops output bool. */
export function binary(context: WebGPUContext, call: KernelCall<'Binary'>): WebGPUStorage {
  const [a, b] = call.inputs;
  const { op } = call.attrs;
  const { shape, dtype } = call.output;
  return runStridedMap(context, {
    name: `binary:${op}:${a.dtype}>${dtype}`,
    operands: [
      { storage: storageOf(a), strides: broadcastStrides(a.shape, shape), offset: 0 },
      { storage: storageOf(b), strides: broadcastStrides(b.shape, shape), offset: 0 },
    ],
    output: call.output,
    expression: ([x, y]) => binaryExpression(op, x, y, a.dtype, dtype),
    snippets: [...CONVERT_SNIPPETS, INT_WRAP, MIN_MAX_F32, DIV, POW],
  });
}
