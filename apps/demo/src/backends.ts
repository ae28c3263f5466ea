import { createCpuBackend } from '@tessera/kernels-cpu';
import { createGpuJsBackend } from '@tessera/kernels-gpujs';
import { registerBackend, setBackend } from '@tessera/tensor';

/** Backends the demo can train on, by the name `--backend` takes. */
const BACKENDS = {
  cpu: () => createCpuBackend(),
  // gpu.js picks WebGL through headless-gl when the gl addon built and a display exists
  // (xvfb-run -a in a terminal without one), else its CPU mode; the demo reports which.
  gpujs: () => createGpuJsBackend(),
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
