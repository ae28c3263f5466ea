import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Conv2DAttrs, KernelInput, Storage } from '@tessera/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { type CpuBackend, createCpuBackend } from '../src';
import { seededValues } from './helpers';

const wasmBackend = createCpuBackend({ threads: 1 });
const typescriptBackend = createCpuBackend({ wasm: false });
const threadedBackend = createCpuBackend({ threads: 2 });
afterAll(() => {
  for (const backend of [wasmBackend, typescriptBackend, threadedBackend]) backend.destroy();
});

function input(backend: CpuBackend, values: Float64Array, shape: number[]): KernelInput {
  return { storage: backend.write(Float32Array.from(values), 'float32'), shape, dtype: 'float32' };
}

function read(backend: CpuBackend, storage: Storage, size: number): Float32Array {
  const values = backend.readSync(storage, 'float32', size) as Float32Array;
  backend.dispose(storage);
  return values;
}

/** C = A B (2-D, no transposes) on `backend`, from float32 inputs made of `a` and `b`. */
function matMul(
  backend: CpuBackend,
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
) {
  const inputs: [KernelInput, KernelInput] = [input(backend, a, [m, k]), input(backend, b, [k, n])];
  const output = { shape: [m, n], dtype: 'float32' as const, size: m * n };
  const c = backend.kernels.MatMul({
    inputs,
    attrs: { transposeA: false, transposeB: false },
    output,
  });
  for (const operand of inputs) backend.dispose(operand.storage);
  return read(backend, c, m * n);
}

describe('createCpuBackend options', () => {
  test('report wasm and threads', () => {
    expect(wasmBackend.wasm).toBe(true);
    expect(wasmBackend.threads).toBe(1);
    expect(typescriptBackend.wasm).toBe(false);
    expect(typescriptBackend.threads).toBe(1);
    expect(threadedBackend.threads).toBe(2);
    expect(createCpuBackend().threads).toBeGreaterThanOrEqual(1);
  });

  test('reject a thread count that is not a positive integer', () => {
    expect(() => createCpuBackend({ threads: 0 })).toThrow(
      /threads must be a positive integer, got 0/,
    );
    expect(() => createCpuBackend({ threads: 1.5 })).toThrow(/got 1.5/);
  });

  test.each([
    [64, 1024, 48],
    [300, 257, 129],
    [129, 1024, 1030],
  ])('matmul %i x %i x %i agrees on every path', (m, k, n) => {
    const a = seededValues(m * k, m);
    const b = seededValues(k * n, n);
    const fromTypescript = matMul(typescriptBackend, a, b, m, k, n);
    const fromWasm = matMul(wasmBackend, a, b, m, k, n);
    const fromThreads = matMul(threadedBackend, a, b, m, k, n);
    // float32 sums of k products of magnitude <= 1: errors grow at most like k u (u = 2^-24).
    const limit = 2 * k * 2 ** -24 * Math.sqrt(k);
    let worst = 0;
    for (let i = 0; i < m * n; i++)
      worst = Math.max(worst, Math.abs(fromWasm[i] - fromTypescript[i]));
    expect(worst).toBeLessThanOrEqual(limit);
    expect(fromThreads).toEqual(fromWasm);
  });

  test('memory accounting counts only kernel outputs', () => {
    for (const backend of [wasmBackend, threadedBackend]) {
      const before = backend.memory();
      const a = input(backend, seededValues(256 * 256, 1), [256, 256]);
      const output = { shape: [256, 256], dtype: 'float32' as const, size: 256 * 256 };
      const attrs = { transposeA: false, transposeB: false };
      const c = backend.kernels.MatMul({ inputs: [a, a], attrs, output });
      expect(backend.memory()).toEqual({
        bytes: before.bytes + 2 * 256 * 256 * 4,
        buffers: before.buffers + 2,
      });
      backend.dispose(a.storage);
      backend.dispose(c);
      expect(backend.memory()).toEqual(before);
    }
  });
});

/** Output size of one convolution axis. */
function outSize(
  size: number,
  kernel: number,
  stride: number,
  before: number,
  after: number,
  dilation: number,
) {
  return Math.floor((size + before + after - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Float64 loops for y = conv(x, w) and, for a given dy, dx and dw. */
function convReference(
  xs: Float64Array,
  xShape: number[],
  ws: Float64Array,
  wShape: number[],
  dys: Float64Array,
  a: Conv2DAttrs,
) {
  const [batch, channels, h, wd] = xShape;
  const [outC, groupC, kh, kw] = wShape;
  const outH = outSize(h, kh, a.stride[0], a.padding[0], a.padding[1], a.dilation[0]);
  const outW = outSize(wd, kw, a.stride[1], a.padding[2], a.padding[3], a.dilation[1]);
  const y = new Float64Array(batch * outC * outH * outW);
  const dx = new Float64Array(xs.length);
  const dw = new Float64Array(ws.length);
  const groupOut = outC / a.groups;
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < outC; o++)
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++) {
          const yi = ((n * outC + o) * outH + oy) * outW + ox;
          for (let ci = 0; ci < groupC; ci++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * a.stride[0] - a.padding[0] + ky * a.dilation[0];
                const ix = ox * a.stride[1] - a.padding[2] + kx * a.dilation[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                const channel = Math.floor(o / groupOut) * groupC + ci;
                const xi = ((n * channels + channel) * h + iy) * wd + ix;
                const wi = ((o * groupC + ci) * kh + ky) * kw + kx;
                y[yi] += xs[xi] * ws[wi];
                dx[xi] += dys[yi] * ws[wi];
                dw[wi] += dys[yi] * xs[xi];
              }
        }
  return { y, dx, dw, yShape: [batch, outC, outH, outW] };
}

/** Checks float32 results against float64 ones, with the tolerance of the matmul tests. */
function expectClose(actual: Float32Array, expected: Float64Array, k: number, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  const tolerance = 2e-6 * Math.max(1, Math.sqrt(k));
  for (let i = 0; i < expected.length; i++) {
    const limit = tolerance * (1 + Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= limit)) {
      expect.fail(`${label}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

const CONV_CASES: [string, number[], number[], Conv2DAttrs][] = [
  // Stride 1 with an output as wide as the input: the shifted-plane im2col.
  [
    'same 3x3',
    [3, 4, 9, 7],
    [5, 4, 3, 3],
    { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 },
  ],
  [
    'same 4x3, uneven padding',
    [2, 2, 6, 5],
    [3, 2, 4, 3],
    { stride: [1, 1], padding: [1, 2, 1, 1], dilation: [1, 1], groups: 1 },
  ],
  [
    'padded, strided',
    [2, 3, 9, 8],
    [4, 3, 3, 2],
    { stride: [2, 3], padding: [1, 2, 0, 1], dilation: [1, 1], groups: 1 },
  ],
  [
    'dilated, grouped',
    [2, 4, 10, 10],
    [6, 2, 3, 3],
    { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [2, 2], groups: 2 },
  ],
  // 36 x 65536 columns per image: over the 2^22-element limit, so one image per chunk.
  [
    'one image per chunk',
    [3, 4, 256, 256],
    [2, 4, 3, 3],
    { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 },
  ],
];

describe.each(CONV_CASES)('conv kernels: %s', (_name, xShape, wShape, attrs) => {
  const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
  const xs = seededValues(size(xShape), 11).map(Math.fround);
  const ws = seededValues(size(wShape), 12).map(Math.fround);
  const yShape = convReference(
    new Float64Array(0),
    [0, ...xShape.slice(1)],
    ws,
    wShape,
    new Float64Array(0),
    attrs,
  ).yShape;
  yShape[0] = xShape[0];
  const dys = seededValues(size(yShape), 13).map(Math.fround);
  const reference = convReference(xs, xShape, ws, wShape, dys, attrs);
  const patch = wShape[1] * wShape[2] * wShape[3];
  const columns = yShape[0] * yShape[2] * yShape[3];

  test.each([
    ['wasm', wasmBackend],
    ['typescript', typescriptBackend],
    ['two threads', threadedBackend],
  ] as const)('%s matches a float64 loop', (_label, backend) => {
    const dtype = 'float32' as const;
    const x = input(backend, xs, xShape);
    const w = input(backend, ws, wShape);
    const dy = input(backend, dys, yShape);
    const y = backend.kernels.Conv2D!({
      inputs: [x, w],
      attrs,
      output: { shape: yShape, dtype, size: dys.length },
    });
    expectClose(read(backend, y, dys.length), reference.y, patch, 'y');
    const dx = backend.kernels.Conv2DBackpropInput!({
      inputs: [dy, w],
      attrs,
      output: { shape: xShape, dtype, size: xs.length },
    });
    expectClose(read(backend, dx, xs.length), reference.dx, wShape[0], 'dx');
    const dw = backend.kernels.Conv2DBackpropFilter!({
      inputs: [x, dy],
      attrs,
      output: { shape: wShape, dtype, size: ws.length },
    });
    expectClose(read(backend, dw, ws.length), reference.dw, columns, 'dw');
    for (const operand of [x, w, dy]) backend.dispose(operand.storage);
  });
});

describe('built package', () => {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  /** Runs `script` in a new Node process and returns its output; rejects on exit code or timeout. */
  const runNode = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile(process.execPath, args, { timeout: 30_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
  // A threaded product of ones: every element is k = 300. `destroy` decides who ends the workers.
  const body = (destroy: boolean) => `
    const backend = createCpuBackend({ threads: 2 });
    const a = backend.write(new Float32Array(300 * 300).fill(1), 'float32');
    const input = { storage: a, shape: [300, 300], dtype: 'float32' };
    const output = { shape: [300, 300], dtype: 'float32', size: 90000 };
    const attrs = { transposeA: false, transposeB: false };
    const c = backend.readSync(backend.kernels.MatMul({ inputs: [input, input], attrs, output }), 'float32', 90000);
    // A worker that fails to start reports an error event, which sets threads to 1.
    setTimeout(() => {
      process.stdout.write(backend.threads + ' ' + c.every((v) => v === 300));
      ${destroy ? 'backend.destroy();' : ''}
    }, 500);`;

  // The ES module runs with --input-type=module, which the workers inherit.
  test.each([true, false])(
    'exits after a threaded product (destroy: %s)',
    { timeout: 60_000 },
    async (destroy) => {
      if (!existsSync(`${dist}index.js`))
        expect.fail('dist/ is missing: build with `npx tsup` first');
      const esm = `import { createCpuBackend } from ${JSON.stringify(`${dist}index.js`)};${body(destroy)}`;
      expect(await runNode(['--input-type=module', '-e', esm])).toBe('2 true');
      const cjs = `const { createCpuBackend } = require(${JSON.stringify(`${dist}index.cjs`)});${body(destroy)}`;
      expect(await runNode(['-e', cjs])).toBe('2 true');
    },
  );
});
