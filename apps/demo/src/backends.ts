import { createCpuBackend } from '@tessera/kernels-cpu';
import { registerBackend, setBackend } from '@tessera/tensor';

/** Backends the demo can train on, by the name `--backend` takes. */
const BACKENDS = {
  cpu: () => createCpuBackend(),
} as const;

export type BackendName = keyof typeof BACKENDS;

export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];

/** Registers and activates `name`; the model code is the same for every backend. */
export async function useBackend(name: BackendName): Promise<void> {
  registerBackend(name, BACKENDS[name]);
  await setBackend(name);
}
