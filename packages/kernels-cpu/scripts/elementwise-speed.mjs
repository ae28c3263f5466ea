// Prints the time per call of the CPU backend's float32 Unary and Binary kernels, with the
// WebAssembly SIMD loops (wasm: true) and with the TypeScript loops (wasm: false).
// Usage: pnpm --filter @tessera/kernels-cpu build &&
//   node packages/kernels-cpu/scripts/elementwise-speed.mjs [--sizes 1048576,4096] [--ops exp,add]
// Each kernel runs for about 0.3 s per size after a warm-up, and the script prints the median
// call time in microseconds. Binary ops run with equal shapes, a scalar right operand ("add1") and a
// row of 1000 ("add-row"). Every call allocates its output, as in normal use.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const entry = new URL('../dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'dist/index.js is missing: run `pnpm build` in packages/kernels-cpu first\n',
  );
  process.exit(1);
}
const { createCpuBackend } = await import(entry.href);

const UNARY = ['exp', 'sigmoid', 'tanh', 'log', 'neg', 'abs', 'sqrt', 'square', 'relu'];
const UNARY_MORE = ['reciprocal', 'rsqrt'];
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'add1', 'add-row'];

const { values: options } = parseArgs({
  options: { sizes: { type: 'string' }, ops: { type: 'string' } },
});
const sizes = (options.sizes ?? '1048576').split(',').map(Number);
const ops = options.ops?.split(',') ?? [...UNARY, ...UNARY_MORE, ...BINARY];

const backends = {
  wasm: createCpuBackend({ threads: 1 }),
  ts: createCpuBackend({ wasm: false }),
};

function randomValues(n, seed, scale) {
  const values = new Float32Array(n);
  let state = seed;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 32) * scale;
  }
  return values;
}

/** Returns a function that runs `op` once on n elements with `backend`. */
function makeCall(backend, op, n) {
  const input = (values, shape) => ({
    storage: backend.write(values, 'float32'),
    shape,
    dtype: 'float32',
  });
  const output = { shape: [n], dtype: 'float32', size: n };
  // Positive inputs keep log, sqrt and rsqrt finite.
  const x = input(randomValues(n, 1, op === 'exp' ? 80 : 8), [n]);
  if (UNARY.includes(op) || UNARY_MORE.includes(op)) {
    return () => backend.dispose(backend.kernels.Unary({ inputs: [x], attrs: { op }, output }));
  }
  const rowLength = 1000;
  const [name, b] =
    op === 'add1'
      ? ['add', input(randomValues(1, 2, 1), [1])]
      : op === 'add-row'
        ? ['add', input(randomValues(rowLength, 2, 1), [rowLength])]
        : [op, input(randomValues(n, 2, 1), [n])];
  const a = op === 'add-row' ? { ...x, shape: [n / rowLength, rowLength] } : x;
  const shaped = op === 'add-row' ? { ...output, shape: a.shape } : output;
  return () =>
    backend.dispose(
      backend.kernels.Binary({ inputs: [a, b], attrs: { op: name }, output: shaped }),
    );
}

function medianMicroseconds(call) {
  for (let i = 0; i < 5; i++) call();
  const times = [];
  const start = performance.now();
  while (performance.now() - start < 300 || times.length < 5) {
    const t0 = performance.now();
    call();
    times.push(performance.now() - t0);
  }
  times.sort((p, q) => p - q);
  return times[Math.floor(times.length / 2)] * 1000;
}

process.stdout.write(`node ${process.version}; median microseconds per call\n`);
process.stdout.write('op        size      wasm        ts   ts/wasm\n');
for (const op of ops) {
  for (const requested of sizes) {
    // A row broadcast needs whole rows.
    const n = op === 'add-row' ? Math.max(1000, Math.round(requested / 1000) * 1000) : requested;
    const wasm = medianMicroseconds(makeCall(backends.wasm, op, n));
    const ts = medianMicroseconds(makeCall(backends.ts, op, n));
    const line = `${op.padEnd(8)} ${String(n).padStart(8)} ${wasm.toFixed(2).padStart(9)} ${ts
      .toFixed(2)
      .padStart(9)} ${(ts / wasm).toFixed(2).padStart(9)}\n`;
    process.stdout.write(line);
  }
}
