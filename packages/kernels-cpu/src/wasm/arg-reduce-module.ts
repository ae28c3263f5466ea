import { F32, FunctionBuilder, I32, type Operand, V128 } from './function-builder';
import type { ExtremeOp } from './reduce-module';

const IDENTITY: Record<ExtremeOp, number> = {
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/** Lanes where `v` is strictly beyond `m` (greater for max, less for min), false for NaN. */
function beyondVector(f: FunctionBuilder, op: ExtremeOp, v: Operand, m: Operand): Operand {
  return op === 'max' ? f.f32x4Gt(v, m) : f.f32x4Lt(v, m);
}

function beyondScalar(f: FunctionBuilder, op: ExtremeOp, v: Operand, m: Operand): Operand {
  return op === 'max' ? f.f32Gt(v, m) : f.f32Lt(v, m);
}

/**
 * argmaxRow or argminRow(address, n) -> i32: the index of the first maximum (minimum) of the n
 * float32 at `address`, or of the first NaN when the row has one, as kernels/arg-reduce.ts
 * defines it. Returns 0 for a row of only -inf (+inf for argmin).
 *
 * Two vector accumulators take 8 floats a pass, each lane keeping the first index of its own
 * extreme because a value must be strictly beyond to replace it. The lanes are then merged by
 * (value, smaller index), which yields the first index of the row's extreme, and -0 ties with
 * 0 as in the TypeScript loop. NaN lanes never replace but set a flag, and a flagged row is
 * scanned again for its first NaN.
 */
export function argExtremeRowFunction(op: ExtremeOp): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32], [I32]);
  const [address, n] = [0, 1];
  const start = f.local(I32);
  const end = f.local(I32);
  const pairsEnd = f.local(I32);
  const index = f.local(I32);
  const bestIndex = f.local(I32);
  const hasNaN = f.local(I32);
  const [extreme0, extreme1, indices0, indices1, positions0, positions1, v, beyond, nan] = f.locals(
    V128,
    9,
  );
  const [best, value] = f.locals(F32, 2);

  f.set(start, f.get(address));
  f.set(end, f.i32Add(f.get(address), f.i32Shl(f.get(n), f.i32(2))));
  f.set(pairsEnd, f.i32Add(f.get(address), f.i32Shl(f.i32And(f.get(n), f.i32(-8)), f.i32(2))));
  f.set(extreme0, f.f32x4Const(IDENTITY[op]));
  f.set(extreme1, f.f32x4Const(IDENTITY[op]));
  f.set(positions0, f.v128Const(new Int32Array([0, 1, 2, 3])));
  f.set(positions1, f.v128Const(new Int32Array([4, 5, 6, 7])));
  f.set(indices0, f.get(positions0));
  f.set(indices1, f.get(positions1));
  f.set(nan, f.i32x4Const(0));

  const fold = (extreme: number, indices: number, positions: number, offset: number) => {
    f.set(v, f.v128Load(f.get(address), offset));
    f.set(nan, f.v128Or(f.get(nan), f.f32x4Ne(f.get(v), f.get(v))));
    f.set(beyond, beyondVector(f, op, f.get(v), f.get(extreme)));
    f.set(extreme, f.v128Bitselect(f.get(v), f.get(extreme), f.get(beyond)));
    f.set(indices, f.v128Bitselect(f.get(positions), f.get(indices), f.get(beyond)));
  };
  f.whileLoop(
    () => f.i32LtS(f.get(address), f.get(pairsEnd)),
    () => {
      fold(extreme0, indices0, positions0, 0);
      fold(extreme1, indices1, positions1, 16);
      f.set(positions0, f.i32x4Add(f.get(positions0), f.i32x4Const(8)));
      f.set(positions1, f.i32x4Add(f.get(positions1), f.i32x4Const(8)));
      f.increment(address, 32);
    },
  );

  mergeLanes(f, op, { extreme0, extreme1, indices0, indices1, beyond, best, bestIndex });

  // The last n mod 8 floats, whose indices follow every vector lane's.
  f.set(hasNaN, f.v128AnyTrue(f.get(nan)));
  f.set(index, f.i32And(f.get(n), f.i32(-8)));
  f.whileLoop(
    () => f.i32LtS(f.get(address), f.get(end)),
    () => {
      f.set(value, f.f32Load(f.get(address)));
      f.set(hasNaN, f.i32Or(f.get(hasNaN), f.f32Ne(f.get(value), f.get(value))));
      f.ifElse(beyondScalar(f, op, f.get(value), f.get(best)), () => {
        f.set(best, f.get(value));
        f.set(bestIndex, f.get(index));
      });
      f.increment(index, 1);
      f.increment(address, 4);
    },
  );

  // The row has a NaN: its first one wins, so scan again from the start.
  f.ifElse(f.get(hasNaN), () => {
    f.set(bestIndex, f.i32(0));
    f.set(address, f.get(start));
    f.block(() => {
      f.loop(() => {
        f.set(value, f.f32Load(f.get(address)));
        f.brIf(1, f.f32Ne(f.get(value), f.get(value)));
        f.increment(bestIndex, 1);
        f.increment(address, 4);
        f.br(0);
      });
    });
  });
  f.get(bestIndex);
  return f;
}

/** Locals of argExtremeRowFunction that mergeLanes reads and sets. */
interface MergeLocals {
  extreme0: number;
  extreme1: number;
  indices0: number;
  indices1: number;
  beyond: number;
  best: number;
  bestIndex: number;
}

/**
 * Emits the merge of the 8 lanes (two accumulators) into the f32 `best` and i32 `bestIndex`:
 * a lane replaces another when its value is beyond, or equal with a smaller index.
 */
function mergeLanes(f: FunctionBuilder, op: ExtremeOp, locals: MergeLocals): void {
  const { extreme0, extreme1, indices0, indices1, beyond, best, bestIndex } = locals;
  const value = f.local(F32);
  const laneIndex = f.local(I32);
  f.set(
    beyond,
    f.v128Or(
      beyondVector(f, op, f.get(extreme1), f.get(extreme0)),
      f.v128And(
        f.f32x4Eq(f.get(extreme1), f.get(extreme0)),
        f.i32x4LtS(f.get(indices1), f.get(indices0)),
      ),
    ),
  );
  f.set(extreme0, f.v128Bitselect(f.get(extreme1), f.get(extreme0), f.get(beyond)));
  f.set(indices0, f.v128Bitselect(f.get(indices1), f.get(indices0), f.get(beyond)));
  f.set(best, f.f32x4ExtractLane(f.get(extreme0), 0));
  f.set(bestIndex, f.i32x4ExtractLane(f.get(indices0), 0));
  for (let lane = 1; lane < 4; lane++) {
    f.set(value, f.f32x4ExtractLane(f.get(extreme0), lane));
    f.set(laneIndex, f.i32x4ExtractLane(f.get(indices0), lane));
    f.ifElse(
      f.i32Or(
        beyondScalar(f, op, f.get(value), f.get(best)),
        f.i32And(f.f32Eq(f.get(value), f.get(best)), f.i32LtS(f.get(laneIndex), f.get(bestIndex))),
      ),
      () => {
        f.set(best, f.get(value));
        f.set(bestIndex, f.get(laneIndex));
      },
    );
  }
}
