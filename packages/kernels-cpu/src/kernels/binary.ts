import type { BinaryOp, KernelCall, TypedArray } from '@tessera/tensor';
import { activeEngine } from '../gemm-engine';
import { allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { isWasmBinaryOp, WASM_MIN_ELEMENTS } from '../wasm/wasm-elementwise';
import { broadcastStrides, contiguousStrides, forEachRow, sizeOf } from './strides';

/**
 * Writes `n` results to `out[io..io + n)`, reading `a` from `ia` in steps of `sa` and `b` from
 * `ib` in steps of `sb`. A step of 0 repeats a broadcast value, so one loop serves equal
 * shapes (1, 1), scalar operands (0, 1 or 1, 0) and the rows of a general broadcast.
 */
type Loop = (
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  out: TypedArray,
  io: number,
  n: number,
) => void;

/**
 * C's `pow`, which PyTorch follows: pow(1, y) is 1 even for NaN, and pow(-1, ±Infinity) is 1,
 * where JavaScript's `**` gives NaN for both.
 */
function powC(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY))) {
    return 1;
  }
  return x ** y;
}

// One loop per op keeps each call site monomorphic, so V8 inlines the arithmetic.
const FLOAT_LOOPS: Record<BinaryOp, Loop> = {
  add: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] + b[ib];
  },
  sub: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] - b[ib];
  },
  mul: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] * b[ib];
  },
  div: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] / b[ib];
  },
  pow: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = powC(a[ia], b[ib]);
  },
  maximum: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const x = a[ia];
      const y = b[ib];
      // NaN in either operand propagates.
      out[io + i] = x > y || Number.isNaN(x) ? x : y;
    }
  },
  minimum: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const x = a[ia];
      const y = b[ib];
      out[io + i] = x < y || Number.isNaN(x) ? x : y;
    }
  },
  equal: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] === b[ib] ? 1 : 0;
  },
  notEqual: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] !== b[ib] ? 1 : 0;
  },
  less: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] < b[ib] ? 1 : 0;
  },
  lessEqual: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] <= b[ib] ? 1 : 0;
  },
  greater: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] > b[ib] ? 1 : 0;
  },
  greaterEqual: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = a[ia] >= b[ib] ? 1 : 0;
  },
  logicalAnd: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      out[io + i] = a[ia] !== 0 && b[ib] !== 0 ? 1 : 0;
    }
  },
  logicalOr: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      out[io + i] = a[ia] !== 0 || b[ib] !== 0 ? 1 : 0;
    }
  },
};

/** int32 arithmetic that can leave the int32 range wraps as int32 does. */
const INT_LOOPS: Partial<Record<BinaryOp, Loop>> = {
  add: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = (a[ia] + b[ib]) | 0;
  },
  sub: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = (a[ia] - b[ib]) | 0;
  },
  mul: (a, ia, sa, b, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++, ia += sa, ib += sb) out[io + i] = Math.imul(a[ia], b[ib]);
  },
};

/** Ops that keep 0/1 operands at 0 or 1, so a bool output can take their results directly. */
const BOOL_SAFE = new Set<BinaryOp>([
  'mul',
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
]);

function run(
  loop: Loop,
  call: KernelCall<'Binary'>,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
): void {
  const [left, right] = call.inputs;
  const { shape, size } = call.output;
  if (size === 0) return;
  const aSize = sizeOf(left.shape);
  const bSize = sizeOf(right.shape);
  if (aSize === size && bSize === size) {
    // Equal shapes (an operand of the output's size cannot be broadcast).
    loop(a, 0, 1, b, 0, 1, out, 0, size);
  } else if (aSize === 1 && bSize === size) {
    loop(a, 0, 0, b, 0, 1, out, 0, size);
  } else if (bSize === 1 && aSize === size) {
    loop(a, 0, 1, b, 0, 0, out, 0, size);
  } else {
    const strides = [
      broadcastStrides(left.shape, shape),
      broadcastStrides(right.shape, shape),
      contiguousStrides(shape),
    ];
    forEachRow(shape, strides, [0, 0, 0], (offsets, length, c) => {
      const last = c.shape.length - 1;
      loop(
        a,
        offsets[0],
        c.strides[0][last],
        b,
        offsets[1],
        c.strides[1][last],
        out,
        offsets[2],
        length,
      );
    });
  }
}

/**
 * Returns the period with which `shape` repeats when broadcast to the contiguous `outShape`.
 * That is its size when its dimensions after leading 1s equal the trailing dimensions of
 * `outShape`: 1 for a scalar, the row length for a bias row, the output size for an equal
 * shape. Other broadcasts return undefined.
 */
function repeatPeriod(shape: readonly number[], outShape: readonly number[]): number | undefined {
  let first = 0;
  while (first < shape.length && shape[first] === 1) first++;
  const rank = shape.length - first;
  if (rank > outShape.length) return undefined;
  let period = 1;
  for (let i = 0; i < rank; i++) {
    const dim = shape[first + i];
    if (dim !== outShape[outShape.length - rank + i]) return undefined;
    period *= dim;
  }
  return period;
}

/**
 * Runs float32 add, sub, mul, div, maximum or minimum in WebAssembly SIMD, and returns true,
 * when the output is large enough and one operand has the output's shape while the other
 * repeats along it. Returns false otherwise.
 */
function tryWasm(
  call: KernelCall<'Binary'>,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
): boolean {
  const [left, right] = call.inputs;
  const { op } = call.attrs;
  const { shape, size, dtype } = call.output;
  if (size < WASM_MIN_ELEMENTS || dtype !== 'float32' || left.dtype !== 'float32') return false;
  if (!isWasmBinaryOp(op)) return false;
  const aPeriod = repeatPeriod(left.shape, shape);
  const bPeriod = repeatPeriod(right.shape, shape);
  if (aPeriod === undefined || bPeriod === undefined || Math.max(aPeriod, bPeriod) !== size) {
    return false;
  }
  const wasm = activeEngine().wasmElementwise();
  if (wasm === undefined) return false;
  wasm.binary(
    op,
    a as Float32Array,
    aPeriod,
    b as Float32Array,
    bPeriod,
    out as Float32Array,
    size,
  );
  return true;
}

export function binary(call: KernelCall<'Binary'>): CpuStorage {
  const [left, right] = call.inputs;
  const { op } = call.attrs;
  const a = dataOf(left);
  const b = dataOf(right);
  const out = allocOutputForOverwrite(call.output);
  if (tryWasm(call, a, b, out)) return wrap(out);
  if (call.output.dtype === 'bool' && !BOOL_SAFE.has(op)) {
    // Arithmetic into bool (the tensor layer promotes such ops to int32 instead): compute in
    // float64 and store nonzero as 1.
    const tmp = new Float64Array(call.output.size);
    run(FLOAT_LOOPS[op], call, a, b, tmp);
    for (let i = 0; i < tmp.length; i++) out[i] = tmp[i] !== 0 ? 1 : 0;
    return wrap(out);
  }
  const intLoop =
    left.dtype === 'int32' && call.output.dtype === 'int32' ? INT_LOOPS[op] : undefined;
  run(intLoop ?? FLOAT_LOOPS[op], call, a, b, out);
  return wrap(out);
}
