import {
  BackendError,
  CONVOLUTION_KERNEL_NAMES,
  conv2dBackpropFilter,
  ENGINE,
  FUSED_KERNEL_NAMES,
  full,
  gather,
  matmul,
  memory,
  PRIMITIVE_KERNEL_NAMES,
  setBackend,
  setLogLevel,
  sign,
  slice,
  softmax,
  tensor,
  tidy,
  transpose,
  ValueError,
  where,
} from '@tessera/tensor';
import { GPU } from 'gpu.js';
import { describe, expect, test, vi } from 'vitest';
import { createGpuJsBackend } from '../src';
import { describeEachMode, seededValues } from './helpers';

/** Values whose float32 rounding must survive a trip through storage and a kernel unchanged. */
const EXACT_VALUES = [2, 1, 0.1, -3.5, 1e-20, 65504, 3.4028234663852886e38, 1.1754943508222875e-38];

describeEachMode('GpuJsBackend', (context) => {
  const { backend } = context;

  test('implements every kernel of the contract', () => {
    const names = [...PRIMITIVE_KERNEL_NAMES, ...CONVOLUTION_KERNEL_NAMES, ...FUSED_KERNEL_NAMES];
    for (const name of names) expect(typeof backend.kernels[name], name).toBe('function');
  });

  test('reports the mode in use', () => {
    const info = backend.info();
    expect(info.mode).toBe(context.mode);
    expect(info.requestedMode).toBe(context.mode);
    expect(info.fallbackReason).toBeNull();
    expect(info.maxElements).toBe(2 ** 24);
    if (context.mode === 'cpu') expect(info.maxTextureSize).toBeNull();
    else expect(info.maxTextureSize).toBeGreaterThanOrEqual(4096);
  });

  test('supports float32, int32 and bool but not float64', () => {
    expect(backend.supportsDtype('float32')).toBe(true);
    expect(backend.supportsDtype('int32')).toBe(true);
    expect(backend.supportsDtype('bool')).toBe(true);
    expect(backend.supportsDtype('float64')).toBe(false);
  });

  test('a kernel returning its input keeps float32 values exact', async () => {
    await setBackend(context.name);
    const x = tensor(EXACT_VALUES);
    const expected = EXACT_VALUES.map((v) => Math.fround(v));
    expect(Array.from(await x.data())).toEqual(expected);
    const indices = tensor([0, 1, 2, 3, 4, 5, 6, 7], [8], 'int32');
    const copies = {
      slice: slice(x, [0], [8]),
      transpose: transpose(x.reshape([8, 1])),
      gather: gather(x, indices),
      multiply: x.mul(1),
      where: where(full([8], 1, 'bool'), x, 0),
      absTimesSign: x.abs().mul(sign(x)),
    };
    for (const [name, copy] of Object.entries(copies)) {
      expect(Array.from(await copy.data()), name).toEqual(expected);
      copy.dispose();
    }
    x.dispose();
    indices.dispose();
  });

  test('multiplies as float32 does', async () => {
    await setBackend(context.name);
    const product = tensor([821892087]).mul(2);
    expect(Array.from(product.dataSync())).toEqual([1643784192]);
    product.dispose();
  });

  test('int32 values round-trip exactly up to 2^24', async () => {
    await setBackend(context.name);
    const values = [0, 1, -1, 2 ** 24, -(2 ** 24), 2 ** 24 - 1, 123456789 % 2 ** 24];
    const x = tensor(values, [values.length], 'int32');
    const read = await x.data();
    expect(read).toBeInstanceOf(Int32Array);
    expect(Array.from(read)).toEqual(values);
    x.dispose();
  });

  test('rejects int32 values it cannot store exactly', async () => {
    await setBackend(context.name);
    const before = memory();
    expect(() => tensor([1, 2 ** 24 + 1], [2], 'int32')).toThrow(ValueError);
    expect(() => tensor([-(2 ** 31)], [1], 'int32')).toThrow(/outside \[-16777216, 16777216\]/);
    expect(() => full([2], 2 ** 30, 'int32')).toThrow(ValueError);
    expect(memory()).toEqual(before);
  });

  test('stores bool as 0 and 1', async () => {
    await setBackend(context.name);
    const x = tensor(new Uint8Array([0, 2, 255, 1]), [4], 'bool');
    const read = x.dataSync();
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Array.from(read)).toEqual([0, 1, 1, 1]);
    x.dispose();
  });

  test('memory counts live buffers exactly', async () => {
    await setBackend(context.name);
    const before = memory();
    const a = tensor([1, 2, 3]);
    const b = a.add(1);
    const empty = full([0, 3], 1);
    expect(memory().buffers).toBe(before.buffers + 3);
    expect(memory().bytes).toBeGreaterThan(before.bytes);
    const view = b.reshape([3, 1]);
    b.dispose();
    expect(memory().buffers).toBe(before.buffers + 3);
    for (const t of [a, view, empty]) t.dispose();
    expect(memory()).toEqual(before);
  });

  test('tidy frees every intermediate of a chain', async () => {
    await setBackend(context.name);
    const before = memory();
    const x = tensor(seededValues(64, 1), [8, 8]);
    const y = tidy(() => softmax(matmul(x, x).relu().sub(0.5), 1).sum(0));
    expect(memory().buffers).toBe(before.buffers + 2);
    x.dispose();
    y.dispose();
    expect(memory()).toEqual(before);
  });

  test('data moves to the host only when read', async () => {
    await setBackend(context.name);
    const start = backend.stats();
    const x = tensor(seededValues(16, 2), [4, 4]);
    const loss = tidy(() => matmul(x, x).tanh().square().sum());
    const afterChain = backend.stats();
    expect(afterChain.uploads - start.uploads).toBe(1);
    expect(afterChain.downloads - start.downloads).toBe(0);
    await loss.data();
    expect(backend.stats().downloads - afterChain.downloads).toBe(1);
    x.dispose();
    loss.dispose();
  });

  test('compiles each program once', async () => {
    await setBackend(context.name);
    const run = () => {
      const x = tensor([1, 2, 3, 4], [2, 2]);
      const y = tidy(() => matmul(x, x).exp());
      x.dispose();
      y.dispose();
    };
    run();
    const programs = backend.stats().programs;
    run();
    run();
    expect(backend.stats().programs).toBe(programs);
  });

  test('one program source over inputs of different sizes keeps both outputs', async () => {
    await setBackend(context.name);
    const large = tensor(seededValues(18, 3), [6, 3]);
    const small = tensor(seededValues(9, 4), [3, 3]);
    // Both slices read x0[i] for i < 6: the same source, over textures of 18 and 9 elements.
    const fromLarge = slice(large, [0, 0], [2, 3]);
    const fromSmall = slice(small, [0, 0], [2, 3]);
    const again = slice(large, [0, 0], [2, 3]);
    expect(Array.from(fromLarge.dataSync())).toEqual(Array.from(large.dataSync()).slice(0, 6));
    expect(Array.from(fromSmall.dataSync())).toEqual(Array.from(small.dataSync()).slice(0, 6));
    expect(Array.from(again.dataSync())).toEqual(Array.from(large.dataSync()).slice(0, 6));
    for (const t of [large, small, fromLarge, fromSmall, again]) t.dispose();
  });

  test('throws before launch for a tensor over the texture limit', async () => {
    const limited = createGpuJsBackend({ mode: context.mode, maxTextureSize: 4096 });
    ENGINE.registerBackend(`${context.name}-limited`, () => limited);
    await setBackend(`${context.name}-limited`);
    const column = tensor(new Float32Array(4200), [4200, 1]);
    const row = tensor(new Float32Array(4200), [1, 4200]);
    const dispatches = limited.stats().dispatches;
    expect(() => matmul(column, row)).toThrow(BackendError);
    expect(() => matmul(column, row)).toThrow(/4200 x 4200 texture.*maximum texture size is 4096/);
    expect(limited.stats().dispatches).toBe(dispatches);
    expect(() => tensor(new Float32Array(2 ** 24 + 1))).toThrow(/at most 16777216 elements/);
    expect(limited.memory().buffers).toBe(2);
    await limited.destroy();
    expect(limited.memory()).toEqual({ bytes: 0, buffers: 0 });
  });

  test('rejects a program loop longer than GL drivers run', async () => {
    await setBackend(context.name);
    const attrs = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } as const;
    const x = tensor(new Float32Array(70000), [1, 1, 1, 70000]);
    expect(() => conv2dBackpropFilter(x, x, [1, 1, 1, 1], attrs)).toThrow(
      /loop of 70000 iterations, more than the 65535/,
    );
    x.dispose();
  });

  test('a single long row fits by wrapping across texture rows', async () => {
    await setBackend(context.name);
    const row = tensor(new Float32Array(20000).fill(0.5), [1, 20000]);
    const total = row.sum();
    expect(total.dataSync()[0]).toBe(10000);
    row.dispose();
    total.dispose();
  });
});

describe('createGpuJsBackend', () => {
  test('mode gpu falls back with a reason', () => {
    const backend = createGpuJsBackend();
    const info = backend.info();
    expect(info.requestedMode).toBe('gpu');
    if (info.mode === 'cpu') {
      expect(info.fallbackReason).toMatch(/no GL context/);
      expect(info.fallbackReason).toMatch(/xvfb-run -a/);
      expect(info.fallbackReason).toMatch(/libglew-dev/);
    } else {
      expect(info.fallbackReason).toBeNull();
    }
    void backend.destroy();
  });

  test('logs the mode and any fallback at debug level 1', () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    setLogLevel(1);
    try {
      const backend = createGpuJsBackend({ name: 'logged' });
      const lines = debug.mock.calls.map((call) => String(call[0]));
      expect(lines.some((line) => line.includes(`uses gpu.js mode ${backend.info().mode}`))).toBe(
        true,
      );
      const fallback = backend.info().fallbackReason;
      if (fallback !== null) expect(lines.some((line) => line.includes(fallback))).toBe(true);
      void backend.destroy();
    } finally {
      setLogLevel(0);
      debug.mockRestore();
    }
  });

  test('rejects a mode gpu.js cannot start in Node', () => {
    expect(() => createGpuJsBackend({ mode: 'webgl2' })).toThrow(BackendError);
    expect(() => createGpuJsBackend({ mode: 'webgl2' })).toThrow(/cannot start in mode 'webgl2'/);
  });

  test('rejects invalid options', () => {
    expect(() => createGpuJsBackend({ maxTextureSize: 0 })).toThrow(ValueError);
    expect(() => createGpuJsBackend({ mode: 'fast' as 'cpu' })).toThrow(/mode must be one of/);
  });

  test('wraps a caller GPU and leaves it alive on destroy', async () => {
    const gpu = new GPU({ mode: 'cpu' });
    const backend = createGpuJsBackend({ gpu });
    expect(backend.info().requestedMode).toBeNull();
    expect(backend.info().mode).toBe('cpu');
    await backend.destroy();
    const kernel = gpu.createKernel(`function (x) { return x[this.thread.x] * 2; }`, {
      output: [2],
    });
    expect(Array.from(kernel(new Float32Array([1, 2])) as Float32Array)).toEqual([2, 4]);
  });
});
