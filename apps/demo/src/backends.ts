import { existsSync } from 'node:fs';
import { createCpuBackend } from '@tessera/kernels-cpu';
import { createGpuJsBackend } from '@tessera/kernels-gpujs';
import { createWebGPUBackend } from '@tessera/kernels-webgpu';
import { registerBackend, removeBackend, setBackend } from '@tessera/tensor';

/** Debian's chromium package ships SwiftShader, a CPU Vulkan driver Dawn can use without a GPU. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Dawn's GPU object. It must stay referenced while its device is in use: once garbage
 * collected, Dawn tears the instance down under the device and the process aborts.
 */
let dawnGpu: GPU | null = null;

/** Starts WebGPU in Node through Dawn (the `webgpu` package), on SwiftShader where no other driver is set. */
async function startWebGPU() {
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  const { create } = await import('webgpu');
  dawnGpu = create(['backend=vulkan']);
  return createWebGPUBackend({ gpu: dawnGpu });
}

/** Backends the demo can train on, by the name `--backend` takes. */
const BACKENDS = {
  cpu: () => createCpuBackend(),
  // gpu.js uses WebGL through headless-gl when the gl addon built and a display exists
  // (run under xvfb-run -a without one). Otherwise it uses its CPU mode, and the log says so.
  gpujs: () => createGpuJsBackend(),
  webgpu: startWebGPU,
} as const;

export type BackendName = keyof typeof BACKENDS;

export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];

/**
 * Registers and activates `name` (the model code is the same for every backend) and returns
 * a short description of it for the log, with the mode or device where the backend reports one.
 */
export async function useBackend(name: BackendName): Promise<string> {
  registerBackend(name, BACKENDS[name]);
  const backend = (await setBackend(name)) as { info?: () => Record<string, unknown> };
  const info = backend.info?.();
  if (info === undefined) return name;
  const details = [info.mode && `mode ${info.mode}`, info.fallbackReason, info.adapter]
    .filter((part) => typeof part === 'string' && part.length > 0)
    .join('; ');
  return details.length > 0 ? `${name} (${details})` : name;
}

/** Destroys the backend's device so the process can exit (Dawn keeps Node alive until then). */
export async function releaseBackend(name: BackendName): Promise<void> {
  await removeBackend(name);
  if (name === 'webgpu') dawnGpu = null;
}
