import type { Contender } from '../contender';
import { webgpuChildEnvironment } from './webgpu-node';

/**
 * A contender the bench can run, light enough to import in the parent process. The
 * contender's library loads only in its own child, through `load`.
 */
export interface ContenderEntry {
  name: string;
  /** Tessera's rows are divided by the best peer on each workload. */
  role: 'tessera' | 'peer';
  /** Runs when `--contenders` is not given. */
  byDefault: boolean;
  load(): Promise<Contender>;
  /** Environment variables the child process needs from its start. */
  childEnvironment?: () => Record<string, string>;
  /** The reason the contender cannot run in this build; such a contender is never loaded. */
  unavailable?: string;
  /**
   * The reason the contender's outputs are left out of the agreement check. Absent for
   * contenders that compute the same numbers as the others.
   */
  agreementExclusion?: string;
}

const BRAINJS_EXCLUSION =
  'a brain.js step is one pass over the batch that updates the weights after every sample ' +
  '(so its steps/s is samples/s divided by the batch size), with its own activations and ' +
  "squared error, so its loss differs from the others' batched softmax cross-entropy";

export const CONTENDERS: readonly ContenderEntry[] = [
  {
    name: 'tessera-cpu',
    role: 'tessera',
    byDefault: true,
    load: async () => (await import('./tessera-cpu')).tesseraCpu,
  },
  {
    name: 'tessera-cpu-1t',
    role: 'tessera',
    byDefault: true,
    load: async () => (await import('./tessera-cpu')).tesseraCpuOneThread,
  },
  {
    // Not in the default set, for the reason given at tfjs-webgpu below.
    name: 'tessera-webgpu',
    role: 'tessera',
    byDefault: false,
    load: async () => (await import('./tessera-webgpu')).tesseraWebgpu,
    childEnvironment: webgpuChildEnvironment,
  },
  {
    // Not in the default set: GPU mode needs the gl addon and a display (xvfb-run -a), and
    // on a GPU-less machine its WebGL runs on a software rasterizer.
    name: 'tessera-gpujs',
    role: 'tessera',
    byDefault: false,
    load: async () => (await import('./tessera-gpujs')).tesseraGpujs,
  },
  {
    name: 'tfjs-cpu',
    role: 'peer',
    byDefault: true,
    load: async () => (await import('./tfjs-cpu')).tfjsCpu,
  },
  {
    name: 'tfjs-wasm',
    role: 'peer',
    byDefault: true,
    load: async () => (await import('./tfjs-wasm')).tfjsWasm,
  },
  {
    // Not in the default set: without a GPU its adapter is SwiftShader, a CPU emulation whose
    // figures show nothing about GPU speed, and a full run on it takes several minutes more.
    name: 'tfjs-webgpu',
    role: 'peer',
    byDefault: false,
    load: async () => (await import('./tfjs-webgpu')).tfjsWebgpu,
    childEnvironment: webgpuChildEnvironment,
  },
  {
    // In the default set: it runs the MLP step alone (about 3 s a round on two cores), and its
    // child for any other workload reports "not available" within a fraction of a second.
    name: 'brainjs',
    role: 'peer',
    byDefault: true,
    load: async () => (await import('./brainjs')).brainjsCpu,
    agreementExclusion: BRAINJS_EXCLUSION,
  },
  {
    // Not in the default set, for the reasons given at tessera-gpujs above.
    name: 'brainjs-gpu',
    role: 'peer',
    byDefault: false,
    load: async () => (await import('./brainjs')).brainjsGpu,
    agreementExclusion: BRAINJS_EXCLUSION,
  },
];

export const CONTENDER_NAMES = CONTENDERS.map((entry) => entry.name);

export function findContender(name: string): ContenderEntry | undefined {
  return CONTENDERS.find((entry) => entry.name === name);
}
