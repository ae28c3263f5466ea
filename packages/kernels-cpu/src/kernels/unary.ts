import type { KernelCall, TypedArray, UnaryOp } from '@tessera/tensor';
import { activeEngine } from '../gemm-engine';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { isWasmUnaryOp, WASM_MIN_ELEMENTS } from '../wasm/wasm-elementwise';

type Loop = (x: TypedArray, out: TypedArray, n: number) => void;

/** Rounds half to even, as PyTorch's `round` (C's nearbyint) does. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  // Math.round sends halves up; a half-way value that landed on an odd integer goes back down.
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * One loop per op, so each stays monomorphic and V8 inlines the math. Results written to a
 * Float32Array round to float32 on store; int32 outputs wrap through `| 0` or Math.imul.
 */
const FLOAT_LOOPS: Record<UnaryOp, Loop> = {
  neg: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = -x[i];
  },
  abs: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
  },
  sign: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sign(x[i]);
  },
  exp: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
  },
  expm1: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.expm1(x[i]);
  },
  log: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
  },
  log1p: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]);
  },
  sqrt: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
  },
  rsqrt: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]);
  },
  square: (x, out, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      out[i] = v * v;
    }
  },
  reciprocal: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = 1 / x[i];
  },
  sin: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
  },
  cos: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
  },
  tanh: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
  },
  sigmoid: (x, out, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (v >= 0) {
        out[i] = 1 / (1 + Math.exp(-v));
      } else {
        // exp(v) cannot overflow here; NaN also lands here and stays NaN.
        const e = Math.exp(v);
        out[i] = e / (1 + e);
      }
    }
  },
  relu: (x, out, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      // NaN is kept (PyTorch); -0 becomes 0.
      out[i] = v > 0 || Number.isNaN(v) ? v : 0;
    }
  },
  floor: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.floor(x[i]);
  },
  ceil: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.ceil(x[i]);
  },
  round: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = roundHalfEven(x[i]);
  },
  isnan: (x, out, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      out[i] = Number.isNaN(v) ? 1 : 0;
    }
  },
  isfinite: (x, out, n) => {
    for (let i = 0; i < n; i++) {
      out[i] = Number.isFinite(x[i]) ? 1 : 0;
    }
  },
  logicalNot: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = x[i] === 0 ? 1 : 0;
  },
};

/** Ops whose int32 results can leave the int32 range and must wrap. */
const INT_LOOPS: Partial<Record<UnaryOp, Loop>> = {
  neg: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = -x[i] | 0;
  },
  abs: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]) | 0;
  },
  square: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.imul(x[i], x[i]);
  },
};

/** Ops whose results may be other than 0 or 1 and need normalizing for a bool output. */
const BOOL_SAFE = new Set<UnaryOp>(['isnan', 'isfinite', 'logicalNot', 'abs', 'relu', 'square']);

export function unary(call: KernelCall<'Unary'>): CpuStorage {
  const [input] = call.inputs;
  const { op } = call.attrs;
  const x = dataOf(input);
  const out = allocOutputForOverwrite(call.output);
  const n = call.output.size;
  if (
    n >= WASM_MIN_ELEMENTS &&
    input.dtype === 'float32' &&
    call.output.dtype === 'float32' &&
    isWasmUnaryOp(op)
  ) {
    const wasm = activeEngine().wasmElementwise();
    if (wasm !== undefined) {
      wasm.unary(op, x as Float32Array, out as Float32Array, n);
      return wrap(out);
    }
  }
  if (call.output.dtype === 'bool' && !BOOL_SAFE.has(op)) {
    // Only reached when a caller sends bool through other math: compute in float64, then
    // store nonzero (NaN included) as 1.
    const tmp = new Float64Array(n);
    FLOAT_LOOPS[op](x, tmp, n);
    for (let i = 0; i < n; i++) out[i] = tmp[i] !== 0 ? 1 : 0;
    return wrap(out);
  }
  const intLoop = call.output.dtype === 'int32' ? INT_LOOPS[op] : undefined;
  (intLoop ?? FLOAT_LOOPS[op])(x, out, n);
  return wrap(out);
}
