// Prints the CPU backend's float32 matmul speed in GFLOP/s for square sizes.
// Usage: pnpm --filter @tessera/kernels-cpu build && node packages/kernels-cpu/scripts/matmul-speed.mjs [sizes...]
// Runs the backend's MatMul kernel (no tensor engine) after a warm-up.
// THREADS=n sets the thread count (default 1), WASM=0 turns off the WebAssembly GEMM and
// DTYPE=float64 measures float64 (always the TypeScript GEMM).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'dist/index.js is missing: run `pnpm build` in packages/kernels-cpu first\n',
  );
  process.exit(1);
}
const { createCpuBackend } = await import(entry.href);

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [128, 256, 512, 1024];
const dtype = process.env.DTYPE === 'float64' ? 'float64' : 'float32';
const Array_ = dtype === 'float64' ? Float64Array : Float32Array;
const threads = Number(process.env.THREADS ?? 1);
const backend = createCpuBackend({ threads, wasm: process.env.WASM !== '0' });

function randomMatrix(n, seed) {
  const values = new Array_(n * n);
  let state = seed;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return values;
}

function run(n, a, b) {
  const c = backend.kernels.MatMul({
    inputs: [
      { storage: a, shape: [n, n], dtype },
      { storage: b, shape: [n, n], dtype },
    ],
    attrs: { transposeA: false, transposeB: false },
    output: { shape: [n, n], dtype, size: n * n },
  });
  backend.dispose(c);
}

const engine = backend.wasm ? 'WebAssembly SIMD' : 'TypeScript';
process.stdout.write(
  `matmul ${dtype}, ${engine}, ${backend.threads} thread(s), node ${process.version}\n`,
);
for (const n of sizes) {
  const a = backend.write(randomMatrix(n, 1), dtype);
  const b = backend.write(randomMatrix(n, 2), dtype);
  run(n, a, b); // warm-up: compiles the kernels and sizes the pack buffers
  run(n, a, b);
  const flops = 2 * n * n * n;
  let reps = 0;
  let elapsed = 0;
  let best = Number.POSITIVE_INFINITY;
  // At least 3 runs and about a second per size; report the best run and the mean.
  while (reps < 3 || elapsed < 1000) {
    const start = performance.now();
    run(n, a, b);
    const time = performance.now() - start;
    best = Math.min(best, time);
    elapsed += time;
    reps++;
  }
  const gflops = (ms) => (flops / ms / 1e6).toFixed(2);
  process.stdout.write(
    `${String(n).padStart(5)} x ${n}: ${gflops(best)} GFLOP/s best, ${gflops(elapsed / reps)} mean (${reps} runs)\n`,
  );
  backend.dispose(a);
  backend.dispose(b);
}
backend.destroy();
