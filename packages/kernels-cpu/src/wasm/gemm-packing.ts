import { FunctionBuilder, I32 } from './function-builder';
import { MR, NR } from './gemm-blocking';

/*
 * Packing for the WebAssembly GEMM: copies blocks of A and B, read through byte strides, into
 * the contiguous panels the micro-kernel streams. Edge panels are padded with zeros, so the
 * micro-kernel always computes whole tiles and the padding contributes nothing.
 */

/**
 * packA(src, rs, cs, rows, depth, dst): rows x depth of A (strides in bytes) into MR-tall
 * panels, each depth x MR; rows past the end of the last panel are zeros.
 */
export function packPanelsA(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32], []);
  const [src, rs, cs, rows, depth, dst] = [0, 1, 2, 3, 4, 5];
  const [ir, h, p, s] = f.locals(I32, 4);
  f.set(ir, f.i32(0));
  f.whileLoop(
    () => f.i32LtS(f.get(ir), f.get(rows)),
    () => {
      f.set(
        h,
        f.i32Min(
          () => f.i32(MR),
          () => f.i32Sub(f.get(rows), f.get(ir)),
        ),
      );
      f.set(s, f.i32Add(f.get(src), f.i32Mul(f.get(ir), f.get(rs))));
      f.ifElse(
        f.i32Eq(f.get(h), f.i32(MR)),
        () => copyPanel(f, { s, p, depth, dst, step: cs, lane: rs, width: MR }),
        () => copyEdgePanel(f, { s, p, depth, dst, step: cs, lane: rs, width: MR, count: h }),
      );
      f.increment(ir, MR);
    },
  );
  return f;
}

/**
 * packB(src, rs, cs, depth, cols, dst): depth x cols of B (strides in bytes) into NR-wide
 * panels, each depth x NR; columns past the end of the last panel are zeros.
 */
export function packPanelsB(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32], []);
  const [src, rs, cs, depth, cols, dst] = [0, 1, 2, 3, 4, 5];
  const [jr, w, p, s] = f.locals(I32, 4);
  f.set(jr, f.i32(0));
  f.whileLoop(
    () => f.i32LtS(f.get(jr), f.get(cols)),
    () => {
      f.set(
        w,
        f.i32Min(
          () => f.i32(NR),
          () => f.i32Sub(f.get(cols), f.get(jr)),
        ),
      );
      f.set(s, f.i32Add(f.get(src), f.i32Mul(f.get(jr), f.get(cs))));
      const full = { s, p, depth, dst, step: rs, lane: cs, width: NR };
      f.ifElse(
        f.i32Ne(f.get(w), f.i32(NR)),
        () => copyEdgePanel(f, { ...full, count: w }),
        () =>
          f.ifElse(
            f.i32Eq(f.get(cs), f.i32(4)),
            () => copyContiguousPanel(f, full),
            () => copyPanel(f, full),
          ),
      );
      f.increment(jr, NR);
    },
  );
  return f;
}

/** Locals and layout of one panel copy: `width` lanes `lane` bytes apart, `step` per row. */
interface PanelCopy {
  s: number;
  p: number;
  depth: number;
  dst: number;
  step: number;
  lane: number;
  width: number;
}

/** Copies a full panel: depth rows of `width` strided floats. Advances s and dst. */
function copyPanel(f: FunctionBuilder, c: PanelCopy): void {
  f.set(c.p, f.get(c.depth));
  f.whileLoop(
    () => f.get(c.p),
    () => {
      for (let i = 0; i < c.width; i++) {
        const address = () =>
          i === 0 ? f.get(c.s) : f.i32Add(f.get(c.s), f.i32Mul(f.get(c.lane), f.i32(i)));
        f.f32Store(f.get(c.dst), f.f32Load(address()), 4 * i);
      }
      f.increment(c.s, f.get(c.step));
      f.increment(c.dst, c.width * 4);
      f.increment(c.p, -1);
    },
  );
}

/** Copies a full panel whose lanes are adjacent floats, one f32x4 at a time. */
function copyContiguousPanel(f: FunctionBuilder, c: PanelCopy): void {
  f.set(c.p, f.get(c.depth));
  f.whileLoop(
    () => f.get(c.p),
    () => {
      for (let v = 0; v < c.width / 4; v++) {
        f.v128Store(f.get(c.dst), f.v128Load(f.get(c.s), 16 * v), 16 * v);
      }
      f.increment(c.s, f.get(c.step));
      f.increment(c.dst, c.width * 4);
      f.increment(c.p, -1);
    },
  );
}

/** Copies the first `count` lanes of each row and zeros the rest of the panel. */
function copyEdgePanel(f: FunctionBuilder, c: PanelCopy & { count: number }): void {
  f.memoryFill(f.get(c.dst), f.i32(0), f.i32Mul(f.get(c.depth), f.i32(c.width * 4)));
  f.set(c.p, f.get(c.depth));
  f.whileLoop(
    () => f.get(c.p),
    () => {
      // Lane i < count is copied; lanes are unrolled, each behind its own test.
      for (let i = 0; i < c.width; i++) {
        f.ifElse(f.i32LtS(f.i32(i), f.get(c.count)), () => {
          const address = () => f.i32Add(f.get(c.s), f.i32Mul(f.get(c.lane), f.i32(i)));
          f.f32Store(f.get(c.dst), f.f32Load(address()), 4 * i);
        });
      }
      f.increment(c.s, f.get(c.step));
      f.increment(c.dst, c.width * 4);
      f.increment(c.p, -1);
    },
  );
}
