import type { BinaryOp, UnaryOp } from '@tessera/tensor';
import { emitExp, emitLog, emitSigmoid, emitTanh } from './elementwise-math';
import { FunctionBuilder, I32, type Operand, V128 } from './function-builder';
import { ModuleBuilder } from './module-builder';

/** Unary float32 ops with a WebAssembly SIMD loop. */
export const WASM_UNARY_OPS = [
  'exp',
  'sigmoid',
  'tanh',
  'log',
  'neg',
  'abs',
  'sqrt',
  'square',
  'relu',
  'reciprocal',
  'rsqrt',
] as const satisfies readonly UnaryOp[];
export type WasmUnaryOp = (typeof WASM_UNARY_OPS)[number];

/** Binary float32 ops with a WebAssembly SIMD loop. */
export const WASM_BINARY_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'maximum',
  'minimum',
] as const satisfies readonly BinaryOp[];
export type WasmBinaryOp = (typeof WASM_BINARY_OPS)[number];

/**
 * Lane computations, each matching the TypeScript loop of kernels/unary.ts. Float32 add, sub,
 * mul, div and sqrt give the same bits as the float64 operation rounded to float32, so the
 * cheap ops are exact. rsqrt rounds twice (sqrt, then the division) and may differ by 1 ulp.
 */
const UNARY_LANES: Record<WasmUnaryOp, (f: FunctionBuilder, x: number) => Operand> = {
  exp: emitExp,
  sigmoid: emitSigmoid,
  tanh: emitTanh,
  log: emitLog,
  neg: (f, x) => f.f32x4Neg(f.get(x)),
  abs: (f, x) => f.f32x4Abs(f.get(x)),
  sqrt: (f, x) => f.f32x4Sqrt(f.get(x)),
  square: (f, x) => f.f32x4Mul(f.get(x), f.get(x)),
  // x & ~(x <= 0): x <= 0 is false for NaN, which is kept, and true for -0, which becomes +0.
  relu: (f, x) => f.v128AndNot(f.get(x), f.f32x4Le(f.get(x), f.f32x4Const(0))),
  reciprocal: (f, x) => f.f32x4Div(f.f32x4Const(1), f.get(x)),
  rsqrt: (f, x) => f.f32x4Div(f.f32x4Const(1), f.f32x4Sqrt(f.get(x))),
};

/**
 * Lane computations matching kernels/binary.ts. maximum and minimum take `a` when it is
 * greater (less) or NaN and `b` otherwise, as the TypeScript loop does, which also decides
 * which zero maximum(-0, 0) returns.
 */
const BINARY_LANES: Record<WasmBinaryOp, (f: FunctionBuilder, a: number, b: number) => Operand> = {
  add: (f, a, b) => f.f32x4Add(f.get(a), f.get(b)),
  sub: (f, a, b) => f.f32x4Sub(f.get(a), f.get(b)),
  mul: (f, a, b) => f.f32x4Mul(f.get(a), f.get(b)),
  div: (f, a, b) => f.f32x4Div(f.get(a), f.get(b)),
  maximum: (f, a, b) =>
    f.v128Bitselect(
      f.get(a),
      f.get(b),
      f.v128Or(f.f32x4Gt(f.get(a), f.get(b)), f.f32x4Ne(f.get(a), f.get(a))),
    ),
  minimum: (f, a, b) =>
    f.v128Bitselect(
      f.get(a),
      f.get(b),
      f.v128Or(f.f32x4Lt(f.get(a), f.get(b)), f.f32x4Ne(f.get(a), f.get(a))),
    ),
};

/**
 * Builds the elementwise module. It imports `env.memory` (`pages` 64 KiB pages) and exports,
 * for each unary op, `op(address, bytes)`, which replaces the float32 values in
 * [address, address + bytes) by their results, and for each binary op,
 * `op(a, b, out, bytes)`, which writes `a[i] op b[i]` to `out[i]`. Addresses are byte offsets
 * and `bytes` must be a multiple of 16; `out` may equal `a` or `b`. It also exports
 * `select(condition, a, b, out, count)`, which writes `a[i]` where the byte `condition[i]` is
 * nonzero and `b[i]` where it is zero, for `count` floats, a multiple of 16.
 */
export function buildElementwiseModule(pages: number): Uint8Array {
  const module = new ModuleBuilder();
  module.importMemory({ module: 'env', name: 'memory', initial: pages, maximum: pages });
  for (const op of WASM_UNARY_OPS) module.addFunction(unaryFunction(UNARY_LANES[op]), op);
  for (const op of WASM_BINARY_OPS) module.addFunction(binaryFunction(BINARY_LANES[op]), op);
  module.addFunction(selectFunction(), 'select');
  return module.toBytes();
}

function unaryFunction(lanes: (f: FunctionBuilder, x: number) => Operand): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32], []);
  const [address, bytes] = [0, 1];
  const end = f.local(I32);
  const x = f.local(V128);
  const y = f.local(V128);
  f.set(end, f.i32Add(f.get(address), f.get(bytes)));
  f.whileLoop(
    () => f.i32LtS(f.get(address), f.get(end)),
    () => {
      f.set(x, f.v128Load(f.get(address)));
      f.set(y, lanes(f, x));
      f.v128Store(f.get(address), f.get(y));
      f.increment(address, 16);
    },
  );
  return f;
}

function binaryFunction(
  lanes: (f: FunctionBuilder, a: number, b: number) => Operand,
): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [a, b, out, bytes] = [0, 1, 2, 3];
  const offset = f.local(I32);
  const x = f.local(V128);
  const y = f.local(V128);
  const result = f.local(V128);
  f.forLoop(offset, bytes, 16, () => {
    f.set(x, f.v128Load(f.i32Add(f.get(a), f.get(offset))));
    f.set(y, f.v128Load(f.i32Add(f.get(b), f.get(offset))));
    f.set(result, lanes(f, x, y));
    f.v128Store(f.i32Add(f.get(out), f.get(offset)), f.get(result));
  });
  return f;
}

/**
 * select(condition, a, b, out, count): 16 floats a pass. The 16 condition bytes become 0xff
 * where zero, and sign extension widens each byte to a 32-bit lane mask, so v128.bitselect
 * copies the bits of `a` or `b` unchanged, NaN payloads and zero signs included.
 */
function selectFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32], []);
  const [condition, a, b, out, count] = [0, 1, 2, 3, 4];
  const end = f.local(I32);
  const isZero = f.local(V128);
  const halfMask = f.local(V128);
  const laneMask = f.local(V128);
  f.set(end, f.i32Add(f.get(condition), f.get(count)));
  f.whileLoop(
    () => f.i32LtS(f.get(condition), f.get(end)),
    () => {
      f.set(isZero, f.i8x16Eq(f.v128Load(f.get(condition)), f.i32x4Const(0)));
      for (const [h, half] of (['low', 'high'] as const).entries()) {
        f.set(halfMask, f.i16x8ExtendI8x16S(f.get(isZero), half));
        for (const [q, quarter] of (['low', 'high'] as const).entries()) {
          const offset = 16 * (2 * h + q);
          f.set(laneMask, f.i32x4ExtendI16x8S(f.get(halfMask), quarter));
          f.v128Store(
            f.get(out),
            f.v128Bitselect(
              f.v128Load(f.get(b), offset),
              f.v128Load(f.get(a), offset),
              f.get(laneMask),
            ),
            offset,
          );
        }
      }
      f.increment(condition, 16);
      f.increment(a, 64);
      f.increment(b, 64);
      f.increment(out, 64);
    },
  );
  return f;
}
