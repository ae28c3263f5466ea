import { type CpuBackend, type CpuBackendOptions, createCpuBackend } from '@tessera/kernels-cpu';
import { registerBackend, removeBackend, setBackend } from '@tessera/tensor';
import type { Contender } from '../contender';
import { packageVersion } from '../versions';
import {
  type TesseraWorkloads,
  tesseraLiveBuffers,
  tesseraWorkloadsOnActiveBackend,
} from './tessera-workloads';

function describeBackend(backend: CpuBackend | undefined): string {
  const version = `@tessera/kernels-cpu ${packageVersion('@tessera/kernels-cpu')}`;
  if (backend === undefined) return version;
  const threads = backend.threads === 1 ? 'one thread' : `${backend.threads} threads`;
  const gemm = backend.wasm ? 'WebAssembly SIMD GEMM' : 'TypeScript GEMM';
  return `${version}, ${threads} for large products, ${gemm}`;
}

/** Tessera's default backend, built with `options`, as the contender called `name`. */
function tesseraCpuContender(name: string, options: CpuBackendOptions): Contender {
  let backend: CpuBackend | undefined;
  let available: TesseraWorkloads = { workloads: {}, unsupported: {} };
  return {
    name,
    describe: () => describeBackend(backend),
    async setup() {
      registerBackend('cpu', () => {
        backend = createCpuBackend(options);
        return backend;
      });
      await setBackend('cpu');
      available = tesseraWorkloadsOnActiveBackend();
    },
    get workloads() {
      return available.workloads;
    },
    unsupportedReason: (kind) => available.unsupported[kind] ?? '',
    liveTensors: tesseraLiveBuffers,
    teardown: () => removeBackend('cpu'),
  };
}

/** The CPU backend as a user gets it: its defaults use every core for large products. */
export const tesseraCpu = tesseraCpuContender('tessera-cpu', {});

/** The CPU backend on one thread, like for like with the one-thread tfjs backends. */
export const tesseraCpuOneThread = tesseraCpuContender('tessera-cpu-1t', { threads: 1 });
