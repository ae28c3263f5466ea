// Prints the largest error, in float32 ulps, of the CPU backend's float32 Unary kernel
// (WebAssembly SIMD path) against float64 Math rounded to float32, over every float32 input.
// Usage: pnpm --filter @tessera/kernels-cpu build &&
//   node packages/kernels-cpu/scripts/elementwise-ulp.mjs [--ops exp,log] [--stride 1]
// --stride s checks every s-th bit pattern only (default 1: all 2^32; a run of all ops takes
// several minutes). NaN matches any NaN; a NaN where a number is expected counts as an
// infinite error. Signed zeros must match.
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

const REFERENCES = {
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  rsqrt: (x) => 1 / Math.sqrt(x),
  sqrt: Math.sqrt,
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  neg: (x) => -x,
  abs: Math.abs,
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
};

const { values: options } = parseArgs({
  options: { ops: { type: 'string' }, stride: { type: 'string' } },
});
const ops = options.ops?.split(',') ?? Object.keys(REFERENCES);
const stride = Number(options.stride ?? 1);
if (!Number.isInteger(stride) || stride < 1) {
  process.stderr.write(`--stride must be a positive integer, got '${options.stride}'\n`);
  process.exit(1);
}

const backend = createCpuBackend({ threads: 1 });
if (!backend.wasm) {
  process.stderr.write('WebAssembly SIMD is unavailable here; nothing to measure\n');
  process.exit(1);
}

/** Returns float32 bits as an integer that orders like the values (-0 and +0 both 0). */
function ordered(bits) {
  return bits >= 0 ? bits : -(bits & 0x7fffffff);
}

const BLOCK = 1 << 22;
const bits = new Int32Array(BLOCK);
const inputs = new Float32Array(bits.buffer);
const expected = new Float32Array(BLOCK);
const expectedBits = new Int32Array(expected.buffer);

for (const op of ops) {
  const reference = REFERENCES[op];
  if (reference === undefined) {
    process.stderr.write(`unknown op '${op}'; choose from ${Object.keys(REFERENCES).join(', ')}\n`);
    process.exit(1);
  }
  let worst = 0;
  let worstInput = 0;
  let inexact = 0;
  let checked = 0;
  const total = 2 ** 32 / stride;
  for (let first = 0; first < total; first += BLOCK) {
    const n = Math.min(BLOCK, total - first);
    for (let i = 0; i < n; i++) bits[i] = (first + i) * stride;
    const storage = backend.write(inputs.subarray(0, n), 'float32');
    const output = { shape: [n], dtype: 'float32', size: n };
    const x = { storage, shape: [n], dtype: 'float32' };
    const result = backend.kernels.Unary({ inputs: [x], attrs: { op }, output });
    const actual = backend.readSync(result, 'float32', n);
    const actualBits = new Int32Array(actual.buffer, actual.byteOffset, n);
    backend.dispose(storage);
    backend.dispose(result);
    for (let i = 0; i < n; i++) expected[i] = reference(inputs[i]);
    for (let i = 0; i < n; i++) {
      if (actualBits[i] === expectedBits[i]) continue;
      const a = actual[i];
      const e = expected[i];
      let ulp;
      if (Number.isNaN(a) || Number.isNaN(e)) {
        ulp = Number.isNaN(a) && Number.isNaN(e) ? 0 : Number.POSITIVE_INFINITY;
      } else if (a === 0 && e === 0) {
        // +0 against -0: a sign error, reported as infinite.
        ulp = Number.POSITIVE_INFINITY;
      } else {
        ulp = Math.abs(ordered(actualBits[i]) - ordered(expectedBits[i]));
      }
      if (ulp > 0) inexact++;
      if (ulp > worst) {
        worst = ulp;
        worstInput = inputs[i];
      }
    }
    checked += n;
  }
  const share = ((100 * inexact) / checked).toFixed(3);
  process.stdout.write(
    `${op.padEnd(10)} max ${worst} ulp (at x = ${worstInput}), ${share}% of ${checked} inputs differ\n`,
  );
}
