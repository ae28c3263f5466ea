import { BackendError } from '@tessera/tensor';
import { CPUKernel, GPU, HeadlessGLKernel, WebGL2Kernel, WebGLKernel } from 'gpu.js';
import { INT_LIMIT } from './storage';

/** Modes a caller can request; `gpu` lets gpu.js pick the best GL context it finds. */
export type GpuJsMode = 'gpu' | 'webgl2' | 'webgl' | 'headlessgl' | 'cpu';

/** Modes this backend runs in: a GL context, or gpu.js's JavaScript fallback. */
export type GpuJsActiveMode = 'webgl2' | 'webgl' | 'headlessgl' | 'cpu';

export interface GpuJsDevice {
  readonly gpu: GPU;
  /** Whether the backend made `gpu` and so destroys it in `destroy()`. */
  readonly ownsGpu: boolean;
  readonly requestedMode: GpuJsMode | null;
  readonly mode: GpuJsActiveMode;
  readonly fallbackReason: string | null;
  /** The largest texture side in texels, or null in cpu mode without a configured limit. */
  readonly maxTextureSize: number | null;
  /** The maximum number of elements in one tensor. */
  readonly maxElements: number;
}

/**
 * Flat indices are computed in float32 inside the shaders, which counts whole numbers exactly
 * only up to 2^24, so no tensor may hold more elements than that.
 */
const INDEX_LIMIT = INT_LIMIT;

function activeModeOf(gpu: GPU): GpuJsActiveMode | null {
  const kernelClass: unknown = gpu.Kernel;
  if (kernelClass === HeadlessGLKernel) return 'headlessgl';
  if (kernelClass === WebGL2Kernel) return 'webgl2';
  if (kernelClass === WebGLKernel) return 'webgl';
  if (kernelClass === CPUKernel) return 'cpu';
  return null;
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

/** Returns the likely reason gpu.js found no GL context here. */
function missingGlCause(): string {
  if (!isNode()) return 'this browser offers no WebGL2 or WebGL context';
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  if (env?.DISPLAY === undefined || env.DISPLAY === '') {
    return 'DISPLAY is unset, so headless-gl has no X display';
  }
  return 'the optional `gl` package did not load or could not create a context';
}

/** Returns the steps that give gpu.js a GL context, for messages. */
function glHowTo(): string {
  if (!isNode()) return 'Use a browser with WebGL2 enabled for GPU mode';
  return (
    'For GPU mode, install the build tools for `gl` (python3, make, g++ and on Debian ' +
    'libxi-dev libglu1-mesa-dev libglew-dev pkg-config), let it build (pnpm: list "gl" in ' +
    'pnpm.onlyBuiltDependencies, then `pnpm rebuild gl`), and run under a display or `xvfb-run -a`'
  );
}

/** Returns one line on why the backend fell back to cpu mode, and how to get GPU mode. */
export function fallbackMessage(): string {
  const cause = missingGlCause();
  return `gpu.js found no GL context (${cause}), so kernels run in its cpu mode. ${glHowTo()}`;
}

function isGlSupported(): boolean {
  return GPU.isHeadlessGLSupported || GPU.isWebGL2Supported || GPU.isWebGLSupported;
}

/** Creates the GPU for `mode`, falling back from `gpu` to cpu when no GL context exists. */
function createGpu(mode: GpuJsMode): { gpu: GPU; fallbackReason: string | null } {
  if (mode === 'gpu' && !isGlSupported()) {
    // Without GL, gpu.js's own choice for 'gpu' is its WebAssembly backend, whose outputs are
    // not textures; this backend uses the cpu mode instead.
    return { gpu: new GPU({ mode: 'cpu' }), fallbackReason: fallbackMessage() };
  }
  try {
    return { gpu: new GPU({ mode }), fallbackReason: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackendError(
      `gpujs: gpu.js cannot start in mode '${mode}' (${reason}); likely cause: ` +
        `${missingGlCause()}. ${glHowTo()}. Mode 'gpu' falls back to cpu mode instead of failing`,
      { cause: error },
    );
  }
}

function textureLimit(gpu: GPU, mode: GpuJsActiveMode, configured?: number): number | null {
  const features = (gpu.Kernel as unknown as { features?: { maxTextureSize?: number } }).features;
  const device = mode === 'cpu' ? undefined : features?.maxTextureSize;
  if (configured !== undefined && device !== undefined) return Math.min(configured, device);
  return configured ?? device ?? null;
}

/** Opens the device: the caller's GPU, or a new one in `mode`. */
export function openDevice(options: {
  gpu?: GPU;
  mode?: GpuJsMode;
  maxTextureSize?: number;
}): GpuJsDevice {
  const requestedMode = options.gpu === undefined ? (options.mode ?? 'gpu') : null;
  const { gpu, fallbackReason } =
    options.gpu === undefined
      ? createGpu(requestedMode ?? 'gpu')
      : { gpu: options.gpu, fallbackReason: null };
  const mode = activeModeOf(gpu);
  if (mode === null) {
    throw new BackendError(
      `gpujs: gpu.js mode '${gpu.mode}' is not supported; create the GPU with mode 'gpu', ` +
        "'webgl2', 'webgl', 'headlessgl' or 'cpu'",
    );
  }
  const maxTextureSize = textureLimit(gpu, mode, options.maxTextureSize);
  const maxElements =
    maxTextureSize === null ? INDEX_LIMIT : Math.min(maxTextureSize ** 2, INDEX_LIMIT);
  return {
    gpu,
    ownsGpu: options.gpu === undefined,
    requestedMode,
    mode,
    fallbackReason,
    maxTextureSize,
    maxElements,
  };
}
