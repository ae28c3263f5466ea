import { afterAll, describe, expect, test } from 'vitest';
import { ByteWriter } from '../src/wasm/encoding';
import { KC, MC, MR, NC, NR } from '../src/wasm/gemm-blocking';
import { buildGemmModule } from '../src/wasm/gemm-module';
import { WasmGemm, wasmGemmSupported } from '../src/wasm/wasm-gemm';
import { webAssembly } from '../src/wasm/webassembly';
import { seededValues } from './helpers';

const bytes = (writer: ByteWriter) => Array.from(writer.toBytes());

describe('ByteWriter', () => {
  test('unsigned LEB128', () => {
    expect(bytes(new ByteWriter().u32(0))).toEqual([0x00]);
    expect(bytes(new ByteWriter().u32(127))).toEqual([0x7f]);
    expect(bytes(new ByteWriter().u32(128))).toEqual([0x80, 0x01]);
    expect(bytes(new ByteWriter().u32(624485))).toEqual([0xe5, 0x8e, 0x26]);
    expect(bytes(new ByteWriter().u32(2 ** 32 - 1))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  test('signed LEB128', () => {
    expect(bytes(new ByteWriter().s32(0))).toEqual([0x00]);
    expect(bytes(new ByteWriter().s32(63))).toEqual([0x3f]);
    expect(bytes(new ByteWriter().s32(64))).toEqual([0xc0, 0x00]);
    expect(bytes(new ByteWriter().s32(-1))).toEqual([0x7f]);
    expect(bytes(new ByteWriter().s32(-64))).toEqual([0x40]);
    expect(bytes(new ByteWriter().s32(-65))).toEqual([0xbf, 0x7f]);
    expect(bytes(new ByteWriter().s32(-123456))).toEqual([0xc0, 0xbb, 0x78]);
    expect(bytes(new ByteWriter().s32(-(2 ** 31)))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });
});

describe('GEMM module', () => {
  test('validates plain and shared', () => {
    expect(wasmGemmSupported()).toBe(true);
    for (const shared of [false, true]) {
      const module = buildGemmModule({ shared, relaxed: false, maximumPages: 256 });
      expect(webAssembly()?.validate(module), `shared=${shared}`).toBe(true);
    }
  });
});

interface Case {
  m: number;
  n: number;
  k: number;
  tA: boolean;
  tB: boolean;
}

/**
 * Runs C = A B in `gemm` on float32 inputs and checks every element against a float64 loop. The
 * bound is the classic one for a float32 dot product of length k, |error| <= k u sum|a b| with
 * u = 2^-24, slightly widened; it holds for any summation order.
 */
function checkProduct(gemm: WasmGemm, c: Case, seed: number): Float32Array {
  const { m, n, k, tA, tB } = c;
  const ws = gemm.reserve(m * k, k * n, m, n)!;
  ws.a.set(seededValues(m * k, seed));
  ws.b.set(seededValues(k * n, seed + 1));
  const A = { rs: tA ? 1 : k, cs: tA ? m : 1 };
  const B = { rs: tB ? 1 : n, cs: tB ? k : 1 };
  gemm.multiply(A, B, m, n, k);
  const result = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let magnitude = 0;
      for (let p = 0; p < k; p++) {
        const product = ws.a[i * A.rs + p * A.cs] * ws.b[p * B.rs + j * B.cs];
        sum += product;
        magnitude += Math.abs(product);
      }
      const actual = ws.c[i * ws.ldc + j];
      const limit = 1.01 * k * 2 ** -24 * magnitude + 1e-30;
      if (!(Math.abs(actual - sum) <= limit)) {
        expect.fail(`C[${i}, ${j}] of ${JSON.stringify(c)}: got ${actual}, expected ${sum}`);
      }
      result[i * n + j] = actual;
    }
  }
  return result;
}

// Sizes one past the tile and block edges: MR, NR, KC, MC and NC, and k up to 1024.
const CASES: [number, number, number][] = [
  [1, 1, 1],
  [MR + 1, NR + 1, 3],
  [MC + 3, 2 * NR + 1, KC + 5],
  [37, NC + 9, 7],
  [130, 70, 1024],
  [2 * MC + 1, 33, 2 * KC + 1],
];

describe('WasmGemm', () => {
  const single = new WasmGemm(1);
  const threaded = new WasmGemm(2);
  afterAll(() => threaded.destroy());

  for (const [m, n, k] of CASES) {
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      test(`${m} x ${n} x ${k} (transposeA=${tA}, transposeB=${tB})`, () => {
        checkProduct(single, { m, n, k, tA, tB }, m + n + k);
      });
    }
  }

  test('a grown memory keeps old products correct', () => {
    checkProduct(single, { m: 9, n: 9, k: 9, tA: false, tB: false }, 1);
    checkProduct(single, { m: 700, n: 300, k: 200, tA: false, tB: true }, 2);
    checkProduct(single, { m: 9, n: 9, k: 9, tA: true, tB: false }, 3);
  });

  test('workers start and take chunks', () => {
    expect(threaded.startWorkers(20_000)).toBe(true);
    const ws = threaded.reserve(512 * 512, 512 * 512, 512, 512)!;
    ws.a.fill(1);
    ws.b.fill(1);
    // The calling thread takes every chunk that no worker claims first, so repeat until the
    // worker has taken one: each product has four chunks of a few milliseconds.
    for (let i = 0; i < 50 && threaded.workerChunks === 0; i++) {
      threaded.multiply({ rs: 512, cs: 1 }, { rs: 512, cs: 1 }, 512, 512, 512);
    }
    expect(threaded.workerChunks).toBeGreaterThan(0);
    expect(ws.c.every((value) => value === 512)).toBe(true);
  });

  test.each([
    // Taller than wide: split by rows sharing one packed B; wider than tall: by columns, each
    // chunk packing its own A. Both with ragged edges.
    [517, 203, 301, true],
    [203, 517, 301, false],
    [600, 600, 3, true],
    // Shared packed B: two column blocks (the second one column wide), k = 1.
    [NC + 100, NC + 1, 1, true],
    // Shared packed B: n below one tile, k two slices and a ragged one.
    [420, 5, 2 * KC + 3, true],
    // Shared packed B: one column, rows not a whole tile, k below the micro-kernel unroll of 4.
    [349_527, 1, 3, true],
  ])('two threads match one thread: %i x %i x %i', (m, n, k, sharedB) => {
    const before = threaded.parallelProducts;
    const sharedBefore = threaded.sharedBProducts;
    for (const [tA, tB] of [
      [false, true],
      [true, false],
    ]) {
      const c = { m, n, k, tA, tB };
      const split = checkProduct(threaded, c, 7);
      // Each element is summed over k in the same order whichever thread computes it.
      expect(split).toEqual(checkProduct(single, c, 7));
    }
    expect(threaded.parallelProducts).toBe(before + 2);
    expect(threaded.sharedBProducts).toBe(sharedBefore + (sharedB ? 2 : 0));
  });

  test.each([
    // Split by rows with a shared packed B (A written while B is packed), then by columns.
    [700, 300, 200],
    [300, 700, 200],
  ])('writeA callback: %i x %i x %i', (m, n, k) => {
    const a = seededValues(m * k, 11);
    const b = seededValues(k * n, 12);
    const results = [single, threaded].map((gemm) => {
      const ws = gemm.reserve(m * k, k * n, m, n)!;
      ws.a.fill(Number.NaN);
      ws.b.set(b);
      gemm.multiply({ rs: k, cs: 1 }, { rs: n, cs: 1 }, m, n, k, () => ws.a.set(a));
      return Float32Array.from(
        { length: m * n },
        (_, i) => ws.c[Math.floor(i / n) * ws.ldc + (i % n)],
      );
    });
    expect(results[0].every(Number.isFinite)).toBe(true);
    expect(results[1]).toEqual(results[0]);
  });

  test('writeA error is thrown after the product', () => {
    const ws = threaded.reserve(700 * 200, 200 * 300, 700, 300)!;
    const failing = () => {
      throw new Error('writeA failed');
    };
    const multiply = () =>
      threaded.multiply({ rs: 200, cs: 1 }, { rs: 300, cs: 1 }, 700, 300, 200, failing);
    expect(multiply).toThrow('writeA failed');
    // The pool still computes the next product.
    ws.a.fill(1);
    ws.b.fill(2);
    threaded.multiply({ rs: 200, cs: 1 }, { rs: 300, cs: 1 }, 700, 300, 200);
    expect(ws.c[0]).toBe(400);
    expect(ws.c[699 * ws.ldc + 299]).toBe(400);
  });

  test('small products stay on the calling thread', () => {
    const before = threaded.parallelProducts;
    checkProduct(threaded, { m: 16, n: 16, k: 16, tA: false, tB: false }, 5);
    expect(threaded.parallelProducts).toBe(before);
  });
});
