import { existsSync } from 'node:fs';
import { createCpuBackend } from '@tessera/kernels-cpu';
import {
  registerBackend,
  removeBackend,
  setBackend,
  type Tensor,
  type TypedArray,
  tidy,
} from '@tessera/tensor';
import { expect } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend, type WebGPUBackendOptions } from '../src';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** A WebGPU backend for one test file, or the reason there is none. */
export interface WebGPUHarness {
  readonly backend: WebGPUBackend | null;
  readonly skipReason: string;
  /** Destroys the device and drops Dawn's GPU object, so the test process can exit. */
  stop(): Promise<void>;
}

/** Whether a missing adapter must fail the run instead of skipping (CI, or asked for). */
function adapterRequired(): boolean {
  return Boolean(process.env.CI) || process.env.TESSERA_REQUIRE_WEBGPU === '1';
}

/** Dawn's GPU object, shared by the harnesses of one test file and dropped after the last. */
let sharedGpu: GPU | null = null;
let gpuUsers = 0;

/** Loads Dawn's GPU object, preferring SwiftShader's Vulkan driver where Debian's chromium has it. */
async function loadGpu(): Promise<GPU> {
  if (sharedGpu === null) {
    if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    const { create } = await import('webgpu');
    sharedGpu = create(['backend=vulkan']);
  }
  gpuUsers += 1;
  return sharedGpu;
}

/** Drops Dawn's GPU object once no harness uses it, so that Node can exit. */
function releaseGpu(): void {
  gpuUsers -= 1;
  if (gpuUsers === 0) sharedGpu = null;
}

/** The name of the WebGPU backend that `onBoth` compares with the CPU backend. */
let activeGpuName = 'webgpu';
let cpuUsers = 0;

/**
 * Creates a WebGPU backend in Node and registers it as `name` (and active) beside the CPU backend
 * as `cpu`. Without an adapter it returns a skip reason, unless CI or TESSERA_REQUIRE_WEBGPU=1
 * is set, where it throws.
 */
export async function startWebGPU(
  options: WebGPUBackendOptions = {},
  name = 'webgpu',
): Promise<WebGPUHarness> {
  let backend: WebGPUBackend | null = null;
  try {
    backend = await createWebGPUBackend({ ...options, gpu: await loadGpu() });
  } catch (error) {
    releaseGpu();
    if (adapterRequired()) throw error;
    const reason = (error instanceof Error ? error.message : String(error)).split('. ')[0];
    console.warn(`webgpu tests skipped: ${reason}`);
    return { backend: null, skipReason: reason, stop: async () => undefined };
  }
  const started = backend;
  if (cpuUsers++ === 0) registerBackend('cpu', () => createCpuBackend());
  registerBackend(name, () => started);
  await setBackend(name);
  const previousGpuName = activeGpuName;
  activeGpuName = name;
  return {
    backend: started,
    skipReason: '',
    stop: async () => {
      activeGpuName = previousGpuName;
      await removeBackend(name);
      if (--cpuUsers === 0) await removeBackend('cpu');
      else await setBackend(previousGpuName);
      releaseGpu();
    },
  };
}

/** Runs `build` on the CPU backend and on the active WebGPU backend and returns both results with the shapes. */
export async function onBoth(build: () => Tensor): Promise<{
  cpu: TypedArray;
  gpu: TypedArray;
  cpuShape: number[];
  gpuShape: number[];
}> {
  const run = async (name: string): Promise<[TypedArray, number[]]> => {
    await setBackend(name);
    const t = tidy(build);
    const values = await t.data();
    const shape = [...t.shape];
    t.dispose();
    return [values, shape];
  };
  const [cpu, cpuShape] = await run('cpu');
  const [gpu, gpuShape] = await run(activeGpuName);
  return { cpu, gpu, cpuShape, gpuShape };
}

/**
 * Checks values elementwise: NaN must meet NaN, infinities must match exactly, and other values
 * must agree within `tolerance` relative to the expected magnitude (plus the same, absolute).
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance = 1e-6,
  label = '',
): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) expect.fail(`${label} element ${i}: got ${a}, expected NaN`);
    } else if (!Number.isFinite(e)) {
      if (a !== e) expect.fail(`${label} element ${i}: got ${a}, expected ${e}`);
    } else if (!(Math.abs(a - e) <= tolerance * (1 + Math.abs(e)))) {
      expect.fail(`${label} element ${i}: got ${a}, expected ${e} (tolerance ${tolerance})`);
    }
  }
}

/** Runs `build` on both backends and checks that WebGPU matches the CPU's shape and values. */
export async function expectMatchesCpu(
  build: () => Tensor,
  tolerance = 1e-6,
  label = '',
): Promise<void> {
  const { cpu, gpu, cpuShape, gpuShape } = await onBoth(build);
  expect(gpuShape, `${label} shape`).toEqual(cpuShape);
  expect(gpu.constructor, `${label} array type`).toBe(cpu.constructor);
  expectClose(gpu, cpu, tolerance, label);
}

/** Deterministic floats in [-1, 1) from a xorshift32 generator. */
export function seededValues(count: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}
