import { FunctionBuilder, I32, type Operand, V128 } from './function-builder';
import { KC, MC, MR, NC, NR } from './gemm-blocking';
import { packPanelsA, packPanelsB } from './gemm-packing';
import { ModuleBuilder } from './module-builder';

/*
 * A float32 GEMM in WebAssembly SIMD, in the GotoBLAS layout (kernels/packed-gemm.ts has the
 * same loops in TypeScript). For each NC-wide column block and each KC-deep slice of the inner
 * dimension, B is packed into NR-wide panels. Then each MC-tall row block of A is packed into
 * MR-tall panels, and the MR x NR micro-kernel runs over every pair of panels.
 * The micro-kernel keeps MR x (NR / 4) f32x4 accumulators in locals, which V8 maps to xmm
 * registers: x64 has 16, so 4 x 8 (8 accumulators, 2 B vectors, 1 broadcast A value and a
 * product) fits without spills.
 *
 * Everything lives in one linear memory: operands, C and the two pack buffers. Addresses are
 * byte offsets; operand strides are in elements. C has row stride `ldc` (elements) and must have
 * room for whole tiles: ceil(m / MR) * MR rows and ceil(n / NR) * NR columns, because tiles are
 * always written in full. The padding cells get products with the zero-padded panel entries
 * (NaN where the other operand contains an infinity), which callers never read.
 */

/** k steps per pass of the micro-kernel's inner loop. */
const UNROLL = 4;

export interface GemmModuleOptions {
  /** Import the memory as shared, for worker threads. */
  shared: boolean;
  /** Maximum memory size in 64 KiB pages. */
  maximumPages: number;
  /** Use `f32x4.relaxed_madd` (relaxed SIMD) instead of a multiply and an add. */
  relaxed: boolean;
}

/**
 * Builds the GEMM module. It imports `env.memory` and exports
 * `gemm(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, packA, packB)`, which writes C = A B, and
 * for threads that share one packed B (see `packedBOffset`):
 * `packB(src, rsBytes, csBytes, depth, cols, dst)`, which packs depth x cols of B into panels,
 * and `gemmPacked(a, ars, acs, pb, c, ldc, m, n, k, packA)`, which writes C = A B from B
 * already packed at `pb`.
 */
export function buildGemmModule(options: GemmModuleOptions): Uint8Array {
  const module = new ModuleBuilder();
  module.importMemory({
    module: 'env',
    name: 'memory',
    initial: 1,
    maximum: options.maximumPages,
    shared: options.shared,
  });
  const micro = module.addFunction(microKernel(options.relaxed));
  const macro = module.addFunction(macroKernel(micro));
  const packA = module.addFunction(packPanelsA());
  const packB = module.addFunction(packPanelsB(), 'packB');
  module.addFunction(gemmDriver(packA, packB, macro), 'gemm');
  module.addFunction(packedGemmDriver(packA, macro), 'gemmPacked');
  return module.toBytes();
}

/** The micro-kernel's v128 locals: acc[r][v] for tile row r and column vector v. */
interface TileRegisters {
  acc: number[][];
  b: number[];
  a: number;
}

/**
 * micro(pa, pb, kc, c, ldcBytes, accumulate): the MR x NR tile at c gets (or, when accumulate
 * is nonzero, gains) the product of an A panel (kc x MR) and a B panel (kc x NR).
 */
function microKernel(relaxed: boolean): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32], []);
  const [pa, pb, kc, c, ldc, accumulate] = [0, 1, 2, 3, 4, 5];
  const vectors = NR / 4;
  const registers: TileRegisters = {
    acc: Array.from({ length: MR }, () => f.locals(V128, vectors)),
    b: f.locals(V128, vectors),
    a: f.local(V128),
  };
  const advance = (steps: number): void => {
    f.increment(pa, steps * MR * 4);
    f.increment(pb, steps * NR * 4);
    f.increment(kc, -steps);
  };
  // Unrolled by UNROLL with constant load offsets, then the remaining steps one at a time.
  f.whileLoop(
    () => f.i32LtS(f.i32(UNROLL - 1), f.get(kc)),
    () => {
      for (let u = 0; u < UNROLL; u++) emitStep(f, registers, pa, pb, u, relaxed);
      advance(UNROLL);
    },
  );
  f.whileLoop(
    () => f.get(kc),
    () => {
      emitStep(f, registers, pa, pb, 0, relaxed);
      advance(1);
    },
  );
  f.ifElse(
    f.get(accumulate),
    () => emitStoreTile(f, registers.acc, c, ldc, true),
    () => emitStoreTile(f, registers.acc, c, ldc, false),
  );
  return f;
}

/** Emits one k step at panel offset u: acc[r][v] += A[u, r] (broadcast) * B[u, 4v..4v+3]. */
function emitStep(
  f: FunctionBuilder,
  { acc, b, a }: TileRegisters,
  pa: number,
  pb: number,
  u: number,
  relaxed: boolean,
): void {
  for (let v = 0; v < b.length; v++) f.set(b[v], f.v128Load(f.get(pb), (u * NR + 4 * v) * 4));
  for (let r = 0; r < MR; r++) {
    f.set(a, f.v128Load32Splat(f.get(pa), (u * MR + r) * 4));
    for (let v = 0; v < b.length; v++) {
      const sum = () =>
        relaxed
          ? f.f32x4RelaxedMadd(f.get(a), f.get(b[v]), f.get(acc[r][v]))
          : f.f32x4Add(f.get(acc[r][v]), f.f32x4Mul(f.get(a), f.get(b[v])));
      f.set(acc[r][v], sum());
    }
  }
}

/** Stores (or, with `add`, adds) the accumulators into the tile at `c`, rows `ldc` bytes apart. */
function emitStoreTile(
  f: FunctionBuilder,
  acc: number[][],
  c: number,
  ldc: number,
  add: boolean,
): void {
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < acc[r].length; v++) {
      const value = () =>
        add ? f.f32x4Add(f.v128Load(f.get(c), 16 * v), f.get(acc[r][v])) : f.get(acc[r][v]);
      f.v128Store(f.get(c), value(), 16 * v);
    }
    if (r + 1 < MR) f.increment(c, f.get(ldc));
  }
}

/** macro(pa, pb, mc, nc, kc, c, ldc, accumulate): every tile of an MC x NC block of C. */
function macroKernel(micro: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32], []);
  const [pa, pb, mc, nc, kc, c, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [jr, ir, ap, tile, ldcBytes, panelA] = f.locals(I32, 6);
  f.set(ldcBytes, f.i32Shl(f.get(ldc), f.i32(2)));
  f.set(panelA, f.i32Mul(f.get(kc), f.i32(MR * 4)));
  // jr outside ir: one B panel (kc x NR) stays in L1 while the A block streams from L2.
  f.set(jr, f.i32(0));
  f.whileLoop(
    () => f.i32LtS(f.get(jr), f.get(nc)),
    () => {
      f.set(ir, f.i32(0));
      f.set(ap, f.get(pa));
      f.set(tile, f.get(c));
      f.whileLoop(
        () => f.i32LtS(f.get(ir), f.get(mc)),
        () => {
          f.call(
            micro,
            f.get(ap),
            f.get(pb),
            f.get(kc),
            f.get(tile),
            f.get(ldcBytes),
            f.get(accumulate),
          );
          f.increment(ir, MR);
          f.increment(ap, f.get(panelA));
          f.increment(tile, f.i32Mul(f.get(ldcBytes), f.i32(MR)));
        },
      );
      f.increment(jr, NR);
      f.increment(pb, f.i32Mul(f.get(kc), f.i32(NR * 4)));
      f.increment(c, NR * 4);
    },
  );
  return f;
}

/** Locals of the `gemm` export: its 13 parameters, then the block loop counters and sizes. */
interface DriverLocals {
  a: number;
  ars: number;
  acs: number;
  b: number;
  brs: number;
  bcs: number;
  c: number;
  ldc: number;
  m: number;
  n: number;
  k: number;
  pa: number;
  pb: number;
  jc: number;
  nc: number;
  pc: number;
  kc: number;
  ic: number;
  mc: number;
}

/**
 * gemm(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, packA, packB): C = A B for m x k A and
 * k x n B; strides and ldc in elements, addresses in bytes.
 */
function gemmDriver(packA: number, packB: number, macro: number): FunctionBuilder {
  const f = new FunctionBuilder(new Array(13).fill(I32), []);
  const [a, ars, acs, b, brs, bcs, c, ldc, m, n, k, pa, pb] = Array.from(
    { length: 13 },
    (_, i) => i,
  );
  const [jc, nc, pc, kc, ic, mc] = f.locals(I32, 6);
  const v: DriverLocals = {
    a,
    ars,
    acs,
    b,
    brs,
    bcs,
    c,
    ldc,
    m,
    n,
    k,
    pa,
    pb,
    jc,
    nc,
    pc,
    kc,
    ic,
    mc,
  };
  for (const stride of [ars, acs, brs, bcs]) f.set(stride, f.i32Shl(f.get(stride), f.i32(2)));
  f.forLoop(jc, n, NC, () => {
    f.set(
      nc,
      f.i32Min(
        () => f.i32(NC),
        () => f.i32Sub(f.get(n), f.get(jc)),
      ),
    );
    f.forLoop(pc, k, KC, () => {
      f.set(
        kc,
        f.i32Min(
          () => f.i32(KC),
          () => f.i32Sub(f.get(k), f.get(pc)),
        ),
      );
      const bBlock = () => byteAddress(f, b, pc, brs, jc, bcs);
      f.call(packB, bBlock(), f.get(brs), f.get(bcs), f.get(kc), f.get(nc), f.get(pb));
      f.forLoop(ic, m, MC, () => emitRowBlock(f, v, packA, macro));
    });
  });
  return f;
}

/**
 * Returns the offset, in floats from the start of a packed B, of its KC-deep slice `pc` of
 * the NC-wide column block `jc`, for a k x n B. Block (jc, pc) holds kc x roundUp(nc, NR)
 * floats, so the whole column blocks before `jc` take jc * k floats (NC is a multiple of NR).
 * Within a block, the panel of column j starts (j - jc) * kc floats after the block.
 */
export function packedBOffset(jc: number, pc: number, n: number, k: number): number {
  const width = Math.ceil(Math.min(NC, n - jc) / NR) * NR;
  return jc * k + pc * width;
}

/**
 * gemmPacked(a, ars, acs, pb, c, ldc, m, n, k, packA): C = A B for m x k A and a k x n B
 * already packed at `pb` in the layout of `packedBOffset`; strides and ldc in elements.
 */
function packedGemmDriver(packA: number, macro: number): FunctionBuilder {
  const f = new FunctionBuilder(new Array(10).fill(I32), []);
  const [a, ars, acs, packedB, c, ldc, m, n, k, pa] = Array.from({ length: 10 }, (_, i) => i);
  const [jc, nc, pc, kc, ic, mc, pb, width] = f.locals(I32, 8);
  const v: RowBlockLocals = { a, ars, acs, c, ldc, m, n, k, pa, pb, jc, nc, pc, kc, ic, mc };
  for (const stride of [ars, acs]) f.set(stride, f.i32Shl(f.get(stride), f.i32(2)));
  f.forLoop(jc, n, NC, () => {
    f.set(
      nc,
      f.i32Min(
        () => f.i32(NC),
        () => f.i32Sub(f.get(n), f.get(jc)),
      ),
    );
    // The block's columns rounded up to whole panels, by a mask because NR is a power of two.
    f.set(width, f.i32And(f.i32Add(f.get(nc), f.i32(NR - 1)), f.i32(-NR)));
    f.forLoop(pc, k, KC, () => {
      f.set(
        kc,
        f.i32Min(
          () => f.i32(KC),
          () => f.i32Sub(f.get(k), f.get(pc)),
        ),
      );
      // pb = packedB + 4 (jc k + pc width), the block's offset from packedBOffset in bytes.
      const floats = () =>
        f.i32Add(f.i32Mul(f.get(jc), f.get(k)), f.i32Mul(f.get(pc), f.get(width)));
      f.set(pb, f.i32Add(f.get(packedB), f.i32Shl(floats(), f.i32(2))));
      f.forLoop(ic, m, MC, () => emitRowBlock(f, v, packA, macro));
    });
  });
  return f;
}

/** The driver locals that one row block reads: all but B's address and strides. */
type RowBlockLocals = Omit<DriverLocals, 'b' | 'brs' | 'bcs'>;

/** Emits the work on one MC-tall row block of A: pack it, then run the macro-kernel. */
function emitRowBlock(f: FunctionBuilder, v: RowBlockLocals, packA: number, macro: number): void {
  f.set(
    v.mc,
    f.i32Min(
      () => f.i32(MC),
      () => f.i32Sub(f.get(v.m), f.get(v.ic)),
    ),
  );
  const aBlock = () => byteAddress(f, v.a, v.ic, v.ars, v.pc, v.acs);
  f.call(packA, aBlock(), f.get(v.ars), f.get(v.acs), f.get(v.mc), f.get(v.kc), f.get(v.pa));
  // C's block at (ic, jc); ldc is in elements, hence the shift.
  const cBlock = () =>
    f.i32Add(
      f.get(v.c),
      f.i32Shl(f.i32Add(f.i32Mul(f.get(v.ic), f.get(v.ldc)), f.get(v.jc)), f.i32(2)),
    );
  const sizes = () => [f.get(v.mc), f.get(v.nc), f.get(v.kc)];
  // Accumulate into C after the first KC slice (pc != 0).
  f.call(macro, f.get(v.pa), f.get(v.pb), ...sizes(), cBlock(), f.get(v.ldc), f.get(v.pc));
}

/** base + i * iStride + j * jStride, with both strides already in bytes. */
function byteAddress(
  f: FunctionBuilder,
  base: number,
  i: number,
  iStride: number,
  j: number,
  jStride: number,
): Operand {
  const row = () => f.i32Mul(f.get(i), f.get(iStride));
  return f.i32Add(f.i32Add(f.get(base), row()), f.i32Mul(f.get(j), f.get(jStride)));
}
