import { argExtremeRowFunction } from './arg-reduce-module';
import { emitExp } from './elementwise-math';
import { F32, F64, FunctionBuilder, I32, type Operand, V128 } from './function-builder';
import { ModuleBuilder } from './module-builder';

/*
 * Float32 row and column reductions and the passes of a row softmax, in WebAssembly SIMD.
 * Rows of `n` floats lie one after another from `address`, so a row need not start on a
 * multiple of 4 floats. Each row runs a vector loop and then a scalar loop over its last
 * n mod 4 (or mod 8) floats. Addresses are byte offsets.
 *
 * max and min follow kernels/reduce.ts: a value replaces the running one when it is greater
 * (less) or NaN, so NaN propagates. The lanes of a vector see the row out of order, so for a
 * row whose extreme is zero the returned sign may be that of any zero in the row. The caller
 * fixes that case.
 */

export type ExtremeOp = 'max' | 'min';

/** Bytes from the low half of a vector to the high half: moves lanes 2 and 3 to 0 and 1. */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/**
 * Builds the reduction module. It imports `env.memory` (`pages` 64 KiB pages) and exports:
 * - `sumRows(address, n, rows, out)`: the float64 sum of each row to `out` (float64);
 * - `maxRows`, `minRows(address, n, rows, out)`: the extreme of each row to `out` (float32);
 * - `sumColumns(address, n, rows, acc)`: adds each row to the n float64 at `acc`;
 * - `maxColumns`, `minColumns(address, n, rows, acc)`: folds each row into the n float32 at
 *   `acc`, in row order, as kernels/reduce.ts does;
 * - `sumExpRows(address, n, rows, shifts, out, sums)`: e = exp(x - shift) with the row's
 *   float32 shift, written to `out`, and the float64 sum of each row's e to `sums`;
 * - `scaleRows(address, n, rows, scales, out)`: x times the row's float32 scale;
 * - `subtractRows(address, n, rows, pairs, out)`: (x - hi) - lo with the row's float32 pair;
 * - `argmaxRows`, `argminRows(address, n, rows, out)`: the index of each row's first extreme,
 *   or of its first NaN, to `out` (int32).
 * `out` may equal `address`.
 */
export function buildReduceModule(pages: number): Uint8Array {
  const module = new ModuleBuilder();
  module.importMemory({ module: 'env', name: 'memory', initial: pages, maximum: pages });
  const sumRow = module.addFunction(sumRowFunction());
  const maxRow = module.addFunction(extremeRowFunction('max'));
  const minRow = module.addFunction(extremeRowFunction('min'));
  const sumExpRow = module.addFunction(sumExpRowFunction());
  module.addFunction(rowsFunction(sumRow, 'f64'), 'sumRows');
  module.addFunction(rowsFunction(maxRow, 'f32'), 'maxRows');
  module.addFunction(rowsFunction(minRow, 'f32'), 'minRows');
  module.addFunction(sumColumnsFunction(), 'sumColumns');
  module.addFunction(extremeColumnsFunction('max'), 'maxColumns');
  module.addFunction(extremeColumnsFunction('min'), 'minColumns');
  module.addFunction(sumExpRowsFunction(sumExpRow), 'sumExpRows');
  module.addFunction(scaleRowsFunction(), 'scaleRows');
  module.addFunction(subtractRowsFunction(), 'subtractRows');
  const argmaxRow = module.addFunction(argExtremeRowFunction('max'));
  const argminRow = module.addFunction(argExtremeRowFunction('min'));
  module.addFunction(rowsFunction(argmaxRow, 'i32'), 'argmaxRows');
  module.addFunction(rowsFunction(argminRow, 'i32'), 'argminRows');
  return module.toBytes();
}

/** `address + (n & mask) * 4`: the end of the whole vectors (or pairs of them) of a row. */
function vectorEnd(f: FunctionBuilder, address: number, n: number, mask: number): Operand {
  return f.i32Add(f.get(address), f.i32Shl(f.i32And(f.get(n), f.i32(mask)), f.i32(2)));
}

/**
 * sumRow(address, n) -> f64. Four f64x2 accumulators take 8 floats a pass, so the adds of one
 * pass do not wait on each other.
 */
function sumRowFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32], [F64]);
  const [address, n] = [0, 1];
  const end = f.local(I32);
  const pairsEnd = f.local(I32);
  const acc = f.locals(V128, 4);
  const total = f.local(F64);
  f.set(end, f.i32Add(f.get(address), f.i32Shl(f.get(n), f.i32(2))));
  f.set(pairsEnd, vectorEnd(f, address, n, -8));
  for (const a of acc) f.set(a, f.i32x4Const(0));
  f.whileLoop(
    () => f.i32LtS(f.get(address), f.get(pairsEnd)),
    () => {
      acc.forEach((a, k) => {
        f.set(
          a,
          f.f64x2Add(f.get(a), f.f64x2PromoteLowF32x4(f.v128Load64Zero(f.get(address), 8 * k))),
        );
      });
      f.increment(address, 32);
    },
  );
  f.set(
    acc[0],
    f.f64x2Add(f.f64x2Add(f.get(acc[0]), f.get(acc[1])), f.f64x2Add(f.get(acc[2]), f.get(acc[3]))),
  );
  f.set(
    total,
    f.f64Add(f.f64x2ExtractLane(f.get(acc[0]), 0), f.f64x2ExtractLane(f.get(acc[0]), 1)),
  );
  f.whileLoop(
    () => f.i32LtS(f.get(address), f.get(end)),
    () => {
      f.set(total, f.f64Add(f.get(total), f.f64PromoteF32(f.f32Load(f.get(address)))));
      f.increment(address, 4);
    },
  );
  f.get(total);
  return f;
}

/** Lanes where `v` replaces the running extreme `m`: v beyond m, or v NaN. */
function replaces(f: FunctionBuilder, op: ExtremeOp, v: () => Operand, m: () => Operand): Operand {
  const beyond = op === 'max' ? f.f32x4Gt(v(), m()) : f.f32x4Lt(v(), m());
  return f.v128Or(beyond, f.f32x4Ne(v(), v()));
}

/** Returns the scalar form of `replaces`, as an i32 condition. */
function replacesScalar(f: FunctionBuilder, op: ExtremeOp, v: number, m: number): Operand {
  const beyond = op === 'max' ? f.f32Gt(f.get(v), f.get(m)) : f.f32Lt(f.get(v), f.get(m));
  return f.i32Or(beyond, f.f32Ne(f.get(v), f.get(v)));
}

/** Emits `m = v` where `v` replaces `m`, for the v128 locals `v` and `m`. */
function foldVector(f: FunctionBuilder, op: ExtremeOp, v: number, m: number): void {
  f.set(
    m,
    f.v128Bitselect(
      f.get(v),
      f.get(m),
      replaces(
        f,
        op,
        () => f.get(v),
        () => f.get(m),
      ),
    ),
  );
}

/** Emits `m = v` where `v` replaces `m`, for the f32 locals `v` and `m`. */
function foldScalar(f: FunctionBuilder, op: ExtremeOp, v: number, m: number): void {
  f.set(m, f.select(f.get(v), f.get(m), replacesScalar(f, op, v, m)));
}

const IDENTITY: Record<ExtremeOp, number> = {
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/** maxRow or minRow(address, n) -> f32, with two vector accumulators of 4 lanes. */
function extremeRowFunction(op: ExtremeOp): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32], [F32]);
  const [address, n] = [0, 1];
  const end = f.local(I32);
  const pairsEnd = f.local(I32);
  const acc = f.locals(V128, 2);
  const v = f.local(V128);
  const m = f.local(F32);
  const scalar = f.local(F32);
  f.set(end, f.i32Add(f.get(address), f.i32Shl(f.get(n), f.i32(2))));
  f.set(pairsEnd, vectorEnd(f, address, n, -8));
  for (const a of acc) f.set(a, f.f32x4Const(IDENTITY[op]));
  f.whileLoop(
    () => f.i32LtS(f.get(address), f.get(pairsEnd)),
    () => {
      acc.forEach((a, k) => {
        f.set(v, f.v128Load(f.get(address), 16 * k));
        foldVector(f, op, v, a);
      });
      f.increment(address, 32);
    },
  );
  foldVector(f, op, acc[1], acc[0]);
  f.set(m, f.f32x4ExtractLane(f.get(acc[0]), 0));
  for (let lane = 1; lane < 4; lane++) {
    f.set(scalar, f.f32x4ExtractLane(f.get(acc[0]), lane));
    foldScalar(f, op, scalar, m);
  }
  f.whileLoop(
    () => f.i32LtS(f.get(address), f.get(end)),
    () => {
      f.set(scalar, f.f32Load(f.get(address)));
      foldScalar(f, op, scalar, m);
      f.increment(address, 4);
    },
  );
  f.get(m);
  return f;
}

/** sumRows, maxRows, minRows, argmaxRows or argminRows(address, n, rows, out): `row` on each. */
function rowsFunction(row: number, result: 'f32' | 'f64' | 'i32'): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [address, n, rows, out] = [0, 1, 2, 3];
  const r = f.local(I32);
  const rowBytes = f.local(I32);
  f.set(rowBytes, f.i32Shl(f.get(n), f.i32(2)));
  f.forLoop(r, rows, 1, () => {
    if (result === 'f64') {
      f.f64Store(
        f.i32Add(f.get(out), f.i32Shl(f.get(r), f.i32(3))),
        f.callValue(row, f.get(address), f.get(n)),
      );
    } else if (result === 'f32') {
      f.f32Store(
        f.i32Add(f.get(out), f.i32Shl(f.get(r), f.i32(2))),
        f.callValue(row, f.get(address), f.get(n)),
      );
    } else {
      f.i32Store(
        f.i32Add(f.get(out), f.i32Shl(f.get(r), f.i32(2))),
        f.callValue(row, f.get(address), f.get(n)),
      );
    }
    f.increment(address, f.get(rowBytes));
  });
  return f;
}

/**
 * sumColumns(address, n, rows, acc): acc[j] += x[r][j] for every row r in order, in float64,
 * which is the order of the TypeScript loop, so the sums are the same.
 */
function sumColumnsFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [address, n, rows, acc] = [0, 1, 2, 3];
  const r = f.local(I32);
  const j = f.local(I32);
  const vectorCount = f.local(I32);
  const x = f.local(I32);
  const a = f.local(I32);
  f.set(vectorCount, f.i32And(f.get(n), f.i32(-4)));
  const addColumns = (lanes: 'vector' | 'scalar') => {
    f.set(x, f.i32Add(f.get(address), f.i32Shl(f.get(j), f.i32(2))));
    f.set(a, f.i32Add(f.get(acc), f.i32Shl(f.get(j), f.i32(3))));
    if (lanes === 'scalar') {
      f.f64Store(f.get(a), f.f64Add(f.f64Load(f.get(a)), f.f64PromoteF32(f.f32Load(f.get(x)))));
      return;
    }
    for (const half of [0, 1]) {
      f.v128Store(
        f.get(a),
        f.f64x2Add(
          f.v128Load(f.get(a), 16 * half),
          f.f64x2PromoteLowF32x4(f.v128Load64Zero(f.get(x), 8 * half)),
        ),
        16 * half,
      );
    }
  };
  f.forLoop(r, rows, 1, () => {
    f.forLoop(j, vectorCount, 4, () => addColumns('vector'));
    f.whileLoop(
      () => f.i32LtS(f.get(j), f.get(n)),
      () => {
        addColumns('scalar');
        f.increment(j, 1);
      },
    );
    f.increment(address, f.i32Shl(f.get(n), f.i32(2)));
  });
  return f;
}

/** maxColumns or minColumns(address, n, rows, acc): folds each row into the float32 acc. */
function extremeColumnsFunction(op: ExtremeOp): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [address, n, rows, acc] = [0, 1, 2, 3];
  const r = f.local(I32);
  const j = f.local(I32);
  const vectorCount = f.local(I32);
  const x = f.local(I32);
  const a = f.local(I32);
  const v = f.local(V128);
  const m = f.local(V128);
  const scalar = f.local(F32);
  const scalarM = f.local(F32);
  f.set(vectorCount, f.i32And(f.get(n), f.i32(-4)));
  const addresses = () => {
    f.set(x, f.i32Add(f.get(address), f.i32Shl(f.get(j), f.i32(2))));
    f.set(a, f.i32Add(f.get(acc), f.i32Shl(f.get(j), f.i32(2))));
  };
  f.forLoop(r, rows, 1, () => {
    f.forLoop(j, vectorCount, 4, () => {
      addresses();
      f.set(v, f.v128Load(f.get(x)));
      f.set(m, f.v128Load(f.get(a)));
      foldVector(f, op, v, m);
      f.v128Store(f.get(a), f.get(m));
    });
    f.whileLoop(
      () => f.i32LtS(f.get(j), f.get(n)),
      () => {
        addresses();
        f.set(scalar, f.f32Load(f.get(x)));
        f.set(scalarM, f.f32Load(f.get(a)));
        foldScalar(f, op, scalar, scalarM);
        f.f32Store(f.get(a), f.get(scalarM));
        f.increment(j, 1);
      },
    );
    f.increment(address, f.i32Shl(f.get(n), f.i32(2)));
  });
  return f;
}

/**
 * Emits exp(x - shift) for the v128 locals `x` and `negativeShift` (= -shift in every lane).
 * The difference is rounded to float32, so its rounding error (TwoSum) is passed to emitExp
 * as a correction: exp(x - shift) then keeps the accuracy of exp itself even for large
 * |x - shift|, where the rounded difference alone would be off by up to |x - shift| 2^-24
 * relative. The error is NaN where the difference is infinite or NaN and is then replaced by 0.
 */
function emitShiftedExp(f: FunctionBuilder, x: number, negativeShift: number): Operand {
  const difference = f.local(V128);
  const virtual = f.local(V128);
  const error = f.local(V128);
  f.set(difference, f.f32x4Add(f.get(x), f.get(negativeShift)));
  f.set(virtual, f.f32x4Sub(f.get(difference), f.get(x)));
  f.set(
    error,
    f.f32x4Add(
      f.f32x4Sub(f.get(x), f.f32x4Sub(f.get(difference), f.get(virtual))),
      f.f32x4Sub(f.get(negativeShift), f.get(virtual)),
    ),
  );
  f.set(error, f.v128And(f.get(error), f.f32x4Eq(f.get(error), f.get(error))));
  return emitExp(f, difference, error);
}

/**
 * sumExpRow(address, n, shift, out) -> f64: writes e = exp(x - shift) to `out` and returns the
 * float64 sum of the float32 e. The last n mod 4 floats go through the vector code one at a
 * time, splatted to all lanes.
 */
function sumExpRowFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, F32, I32], [F64]);
  const [address, n, shift, out] = [0, 1, 2, 3];
  const end = f.local(I32);
  const vectorsEnd = f.local(I32);
  const negativeShift = f.local(V128);
  const x = f.local(V128);
  const e = f.local(V128);
  const low = f.local(V128);
  const high = f.local(V128);
  const scalarE = f.local(F32);
  const total = f.local(F64);
  f.set(end, f.i32Add(f.get(address), f.i32Shl(f.get(n), f.i32(2))));
  f.set(vectorsEnd, vectorEnd(f, address, n, -4));
  f.set(negativeShift, f.f32x4Neg(f.f32x4Splat(f.get(shift))));
  f.set(low, f.i32x4Const(0));
  f.set(high, f.i32x4Const(0));
  f.whileLoop(
    () => f.i32LtS(f.get(address), f.get(vectorsEnd)),
    () => {
      f.set(x, f.v128Load(f.get(address)));
      f.set(e, emitShiftedExp(f, x, negativeShift));
      f.v128Store(f.get(out), f.get(e));
      f.set(low, f.f64x2Add(f.get(low), f.f64x2PromoteLowF32x4(f.get(e))));
      f.set(
        high,
        f.f64x2Add(
          f.get(high),
          f.f64x2PromoteLowF32x4(f.i8x16Shuffle(f.get(e), f.get(e), HIGH_HALF)),
        ),
      );
      f.increment(address, 16);
      f.increment(out, 16);
    },
  );
  f.set(low, f.f64x2Add(f.get(low), f.get(high)));
  f.set(total, f.f64Add(f.f64x2ExtractLane(f.get(low), 0), f.f64x2ExtractLane(f.get(low), 1)));
  f.whileLoop(
    () => f.i32LtS(f.get(address), f.get(end)),
    () => {
      f.set(x, f.f32x4Splat(f.f32Load(f.get(address))));
      f.set(e, emitShiftedExp(f, x, negativeShift));
      f.set(scalarE, f.f32x4ExtractLane(f.get(e), 0));
      f.f32Store(f.get(out), f.get(scalarE));
      f.set(total, f.f64Add(f.get(total), f.f64PromoteF32(f.get(scalarE))));
      f.increment(address, 4);
      f.increment(out, 4);
    },
  );
  f.get(total);
  return f;
}

/** sumExpRows(address, n, rows, shifts, out, sums): sumExpRow on each row. */
function sumExpRowsFunction(sumExpRow: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32], []);
  const [address, n, rows, shifts, out, sums] = [0, 1, 2, 3, 4, 5];
  const r = f.local(I32);
  const rowBytes = f.local(I32);
  f.set(rowBytes, f.i32Shl(f.get(n), f.i32(2)));
  f.forLoop(r, rows, 1, () => {
    f.f64Store(
      f.i32Add(f.get(sums), f.i32Shl(f.get(r), f.i32(3))),
      f.callValue(
        sumExpRow,
        f.get(address),
        f.get(n),
        f.f32Load(f.i32Add(f.get(shifts), f.i32Shl(f.get(r), f.i32(2)))),
        f.get(out),
      ),
    );
    f.increment(address, f.get(rowBytes));
    f.increment(out, f.get(rowBytes));
  });
  return f;
}

/**
 * Emits a loop over rows that sets `parameters` (v128 locals) from the row's entries at
 * `table` (`count` float32 a row, each splatted) and writes lanes(x) for each x of the row to
 * `out`. The last n mod 4 floats are computed one at a time, splatted to all lanes.
 */
function perRowFunction(
  count: number,
  lanes: (f: FunctionBuilder, x: number, parameters: number[]) => Operand,
): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32], []);
  const [address, n, rows, table, out] = [0, 1, 2, 3, 4];
  const r = f.local(I32);
  const end = f.local(I32);
  const vectorsEnd = f.local(I32);
  const parameters = f.locals(V128, count);
  const x = f.local(V128);
  const y = f.local(V128);
  f.forLoop(r, rows, 1, () => {
    parameters.forEach((p, k) => {
      f.set(p, f.f32x4Splat(f.f32Load(f.get(table), 4 * k)));
    });
    f.set(end, f.i32Add(f.get(address), f.i32Shl(f.get(n), f.i32(2))));
    f.set(vectorsEnd, vectorEnd(f, address, n, -4));
    f.whileLoop(
      () => f.i32LtS(f.get(address), f.get(vectorsEnd)),
      () => {
        f.set(x, f.v128Load(f.get(address)));
        f.set(y, lanes(f, x, parameters));
        f.v128Store(f.get(out), f.get(y));
        f.increment(address, 16);
        f.increment(out, 16);
      },
    );
    f.whileLoop(
      () => f.i32LtS(f.get(address), f.get(end)),
      () => {
        f.set(x, f.f32x4Splat(f.f32Load(f.get(address))));
        f.set(y, lanes(f, x, parameters));
        f.f32Store(f.get(out), f.f32x4ExtractLane(f.get(y), 0));
        f.increment(address, 4);
        f.increment(out, 4);
      },
    );
    f.increment(table, 4 * count);
  });
  return f;
}

/** scaleRows(address, n, rows, scales, out): x * scale. */
function scaleRowsFunction(): FunctionBuilder {
  return perRowFunction(1, (f, x, [scale]) => f.f32x4Mul(f.get(x), f.get(scale)));
}

/** subtractRows(address, n, rows, pairs, out): (x - hi) - lo. */
function subtractRowsFunction(): FunctionBuilder {
  return perRowFunction(2, (f, x, [hi, lo]) =>
    f.f32x4Sub(f.f32x4Sub(f.get(x), f.get(hi)), f.get(lo)),
  );
}
