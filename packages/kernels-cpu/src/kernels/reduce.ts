import type { KernelCall, ReduceOp, TypedArray } from '@tessera/tensor';
import { activeEngine } from '../gemm-engine';
import { allocOutput, type CpuStorage, dataOf, wrap } from '../storage';
import { WASM_MIN_ELEMENTS } from '../wasm/wasm-elementwise';
import { contiguousStrides, forEachRow, sizeOf } from './strides';

/**
 * Row loops for one reduction op:
 * - `fold` reduces `n` elements of `x` (from `ix`, step `sx`) into one value, starting at `init`
 *   (the row lies along reduced axes only);
 * - `combine` folds `n` elements of `x` elementwise into `acc[ia..ia + n)` (the row lies along
 *   a kept axis).
 */
interface RowLoops {
  fold(x: TypedArray, ix: number, sx: number, n: number, init: number): number;
  combine(x: TypedArray, ix: number, sx: number, acc: Float64Array, ia: number, n: number): void;
}

const IDENTITY: Record<ReduceOp, number> = {
  sum: 0,
  prod: 1,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

// Float sums and products accumulate in float64; the result rounds once when stored.
const FLOAT_LOOPS: Record<ReduceOp, RowLoops> = {
  sum: {
    fold(x, ix, sx, n, init) {
      let s = init;
      if (sx === 1) for (let i = 0; i < n; i++) s += x[ix + i];
      else for (let i = 0; i < n; i++, ix += sx) s += x[ix];
      return s;
    },
    combine(x, ix, sx, acc, ia, n) {
      for (let i = 0; i < n; i++, ix += sx) acc[ia + i] += x[ix];
    },
  },
  prod: {
    fold(x, ix, sx, n, init) {
      let p = init;
      for (let i = 0; i < n; i++, ix += sx) p *= x[ix];
      return p;
    },
    combine(x, ix, sx, acc, ia, n) {
      for (let i = 0; i < n; i++, ix += sx) acc[ia + i] *= x[ix];
    },
  },
  // max and min propagate NaN: once the running value is NaN no comparison replaces it.
  max: {
    fold(x, ix, sx, n, init) {
      let m = init;
      for (let i = 0; i < n; i++, ix += sx) {
        const v = x[ix];
        if (v > m || Number.isNaN(v)) m = v;
      }
      return m;
    },
    combine(x, ix, sx, acc, ia, n) {
      for (let i = 0; i < n; i++, ix += sx) {
        const v = x[ix];
        if (v > acc[ia + i] || Number.isNaN(v)) acc[ia + i] = v;
      }
    },
  },
  min: {
    fold(x, ix, sx, n, init) {
      let m = init;
      for (let i = 0; i < n; i++, ix += sx) {
        const v = x[ix];
        if (v < m || Number.isNaN(v)) m = v;
      }
      return m;
    },
    combine(x, ix, sx, acc, ia, n) {
      for (let i = 0; i < n; i++, ix += sx) {
        const v = x[ix];
        if (v < acc[ia + i] || Number.isNaN(v)) acc[ia + i] = v;
      }
    },
  },
};

/** int32 sums and products wrap at every step, as int32 arithmetic does. */
const INT_LOOPS: Partial<Record<ReduceOp, RowLoops>> = {
  sum: {
    fold(x, ix, sx, n, init) {
      let s = init | 0;
      for (let i = 0; i < n; i++, ix += sx) s = (s + x[ix]) | 0;
      return s;
    },
    combine(x, ix, sx, acc, ia, n) {
      for (let i = 0; i < n; i++, ix += sx) acc[ia + i] = (acc[ia + i] + x[ix]) | 0;
    },
  },
  prod: {
    fold(x, ix, sx, n, init) {
      let p = init | 0;
      for (let i = 0; i < n; i++, ix += sx) p = Math.imul(p, x[ix]);
      return p;
    },
    combine(x, ix, sx, acc, ia, n) {
      for (let i = 0; i < n; i++, ix += sx) acc[ia + i] = Math.imul(acc[ia + i], x[ix]);
    },
  },
};

/**
 * Runs a float32 sum, max or min over trailing axes (one result per row) or leading axes (one
 * result per column) in WebAssembly SIMD, and returns false for every other case, which the
 * TypeScript loops handle.
 */
function reduceWithWasm(call: KernelCall<'Reduce'>, out: Float32Array): boolean {
  const [input] = call.inputs;
  const { op, axes } = call.attrs;
  const size = sizeOf(input.shape);
  if (
    op === 'prod' ||
    input.dtype !== 'float32' ||
    call.output.dtype !== 'float32' ||
    axes.length === 0 ||
    size < WASM_MIN_ELEMENTS
  ) {
    return false;
  }
  const rank = input.shape.length;
  const sorted = [...axes].sort((a, b) => a - b);
  const trailing = sorted.every((axis, i) => axis === rank - sorted.length + i);
  const leading = sorted.every((axis, i) => axis === i);
  if (!trailing && !leading) return false;
  const wasm = activeEngine().wasmReduce();
  if (wasm === undefined) return false;
  const x = dataOf(input) as Float32Array;
  if (trailing) {
    const rows = sizeOf(input.shape.slice(0, rank - sorted.length));
    if (op === 'sum') wasm.sumRows(x, rows, size / rows, out);
    else wasm.extremeRows(op, x, rows, size / rows, out);
  } else {
    const rows = sizeOf(input.shape.slice(0, sorted.length));
    if (op === 'sum') wasm.sumColumns(x, rows, size / rows, out);
    else wasm.extremeColumns(op, x, rows, size / rows, out);
  }
  return true;
}

/**
 * Reduces `axes` away. The input is walked in memory order; the axes are collapsed first, so a
 * reduction over trailing axes becomes one contiguous fold per output element, and one over
 * leading or middle axes folds whole contiguous rows into the accumulator (an outer/inner loop).
 * An empty reduction gives the op's identity.
 */
export function reduce(call: KernelCall<'Reduce'>): CpuStorage {
  const [input] = call.inputs;
  const { op, axes } = call.attrs;
  const inShape = input.shape;
  const x = dataOf(input);
  const out = allocOutput(call.output);
  if (reduceWithWasm(call, out as Float32Array)) return wrap(out);
  const outSize = call.output.size;
  const acc = new Float64Array(outSize).fill(IDENTITY[op]);
  const isInt =
    call.output.dtype === 'int32' && input.dtype !== 'float32' && input.dtype !== 'float64';
  const loops = (isInt ? INT_LOOPS[op] : undefined) ?? FLOAT_LOOPS[op];

  if (sizeOf(inShape) > 0 && outSize > 0) {
    // The accumulator's strides over the input's axes: 0 along reduced axes.
    const outStrides = contiguousStrides(call.output.shape);
    const accStrides: number[] = [];
    let k = 0;
    for (let axis = 0; axis < inShape.length; axis++) {
      accStrides.push(axes.includes(axis) ? 0 : outStrides[k++]);
    }
    forEachRow(inShape, [contiguousStrides(inShape), accStrides], [0, 0], (offsets, n, c) => {
      const last = c.shape.length - 1;
      const sx = c.strides[0][last];
      const ia = offsets[1];
      if (c.strides[1][last] === 0) acc[ia] = loops.fold(x, offsets[0], sx, n, acc[ia]);
      else loops.combine(x, offsets[0], sx, acc, ia, n);
    });
  }

  if (call.output.dtype === 'bool') {
    for (let i = 0; i < outSize; i++) out[i] = acc[i] !== 0 ? 1 : 0;
  } else {
    out.set(acc);
  }
  return wrap(out);
}
