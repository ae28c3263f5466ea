import {
  type Backend,
  BackendError,
  type BackendMemory,
  type DType,
  debugLog,
  type KernelName,
  type KernelTable,
  type Storage,
  type TypedArray,
  ValueError,
} from '@tessera/tensor';
import { type GPU, Texture } from 'gpu.js';
import { type GpuJsActiveMode, type GpuJsDevice, type GpuJsMode, openDevice } from './device';
import { createKernelTable } from './kernel-table';
import { ProgramRunner } from './program';
import { asStorage, fromStoredValues, type GpuJsStorage, toStoredValues } from './storage';

export interface GpuJsBackendOptions {
  /** A GPU to run on. Without one the backend makes its own in `mode` and destroys it later. */
  gpu?: GPU;
  /**
   * The gpu.js mode for a GPU the backend makes (ignored with `gpu`). `gpu`, the default, picks
   * the best GL context and falls back to cpu mode when there is none.
   */
  mode?: GpuJsMode;
  /** The name used in messages; defaults to `gpujs`. */
  name?: string;
  /**
   * A lower maximum texture side than the device's, for example to match the 4096 of many
   * browsers while testing in Node. In cpu mode it sets the texture limit that mode lacks.
   */
  maxTextureSize?: number;
}

/** The mode and limits of a backend. */
export interface GpuJsBackendInfo {
  /** The mode asked for, or null when the caller passed a GPU. */
  readonly requestedMode: GpuJsMode | null;
  /** The mode in use. */
  readonly mode: GpuJsActiveMode;
  /**
   * The reason cpu mode is in use although GPU mode was requested, with the steps to get GPU
   * mode, or null.
   */
  readonly fallbackReason: string | null;
  /** The maximum texture side in texels, or null in cpu mode without a configured limit. */
  readonly maxTextureSize: number | null;
  /** The maximum number of elements in one tensor. */
  readonly maxElements: number;
}

/** Counters for checking that data stays on the device between kernels. */
export interface GpuJsBackendStats {
  /** Programs compiled (each one once per source and output size). */
  readonly programs: number;
  /** Program launches, kernels and uploads together. */
  readonly dispatches: number;
  /** Host-to-device copies made by `write`. */
  readonly uploads: number;
  /** Device-to-host copies made by `read` and `readSync`. */
  readonly downloads: number;
}

const SUPPORTED: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool']);

/**
 * A backend on gpu.js. In the GL modes every storage is a float texture and kernels pass
 * textures to each other, so values reach the host only when they are read. In cpu mode
 * storages are Float32Arrays. `memory()` counts every storage made by `write` or a kernel
 * until `dispose`.
 */
export class GpuJsBackend implements Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  private readonly device: GpuJsDevice;
  private readonly runner: ProgramRunner;
  private readonly live = new Set<GpuJsStorage>();
  private liveBytes = 0;
  private uploads = 0;
  private downloads = 0;

  constructor(options: GpuJsBackendOptions = {}) {
    checkOptions(options);
    this.name = options.name ?? 'gpujs';
    this.device = openDevice(options);
    this.runner = new ProgramRunner(this.device);
    this.kernels = this.countingKernels(createKernelTable(this.runner));

    const { mode, requestedMode, maxTextureSize, fallbackReason } = this.device;
    const origin =
      requestedMode === null ? 'GPU passed by the caller' : `requested ${requestedMode}`;
    const limit =
      maxTextureSize === null ? 'no texture limit' : `max texture size ${maxTextureSize}`;
    debugLog(1, `gpujs: backend '${this.name}' uses gpu.js mode ${mode} (${origin}, ${limit})`);
    if (fallbackReason !== null) debugLog(1, `gpujs: ${fallbackReason}`);
  }

  supportsDtype(dtype: DType): boolean {
    return SUPPORTED.has(dtype);
  }

  write(values: TypedArray, dtype: DType): Storage {
    this.runner.checkCapacity('write', values.length);
    const stored = toStoredValues(values, dtype);
    this.uploads++;
    if (stored.length === 0) return this.adopt({ data: null, size: 0, bytes: 0 });
    if (this.device.mode === 'cpu') {
      return this.adopt({ data: stored, size: stored.length, bytes: stored.byteLength });
    }
    const program = { kernel: 'write', inputs: [stored], body: 'return x0[i];' };
    return this.adopt(this.runner.run(program, stored.length));
  }

  read(storage: Storage, dtype: DType, size: number): Promise<TypedArray> {
    return Promise.resolve(this.readSync(storage, dtype, size));
  }

  /** Reads synchronously: gpu.js reads textures with a blocking readPixels. */
  readSync(storage: Storage, dtype: DType, size: number): TypedArray {
    const { data } = this.owned(storage, 'read');
    this.downloads++;
    let values: Float32Array;
    if (data === null) values = new Float32Array(0);
    else if (data instanceof Texture) values = data.toArray() as Float32Array;
    else values = data.slice(0, size);
    return fromStoredValues(values, dtype, size);
  }

  dispose(storage: Storage): void {
    const owned = asStorage(storage);
    if (!this.live.delete(owned)) return;
    this.liveBytes -= owned.bytes;
    if (owned.data instanceof Texture) owned.data.delete();
  }

  memory(): BackendMemory {
    return { bytes: this.liveBytes, buffers: this.live.size };
  }

  info(): GpuJsBackendInfo {
    const { requestedMode, mode, fallbackReason, maxTextureSize, maxElements } = this.device;
    return { requestedMode, mode, fallbackReason, maxTextureSize, maxElements };
  }

  stats(): GpuJsBackendStats {
    return { ...this.runner.stats, uploads: this.uploads, downloads: this.downloads };
  }

  /** Frees every storage and program, and the GPU when the backend made it. */
  async destroy(): Promise<void> {
    for (const storage of [...this.live]) this.dispose(storage);
    this.runner.destroy();
    if (this.device.ownsGpu) await this.device.gpu.destroy();
  }

  private owned(storage: Storage, op: string): GpuJsStorage {
    const owned = asStorage(storage);
    if (!this.live.has(owned)) {
      throw new BackendError(`${op}: the storage is not live on backend '${this.name}'`);
    }
    return owned;
  }

  private adopt(storage: GpuJsStorage): GpuJsStorage {
    this.live.add(storage);
    this.liveBytes += storage.bytes;
    return storage;
  }

  /** The kernels, each wrapped so that the storage it returns is counted. */
  private countingKernels(table: KernelTable): KernelTable {
    const counted: Partial<Record<KernelName, (call: never) => Storage>> = {};
    for (const name of Object.keys(table) as KernelName[]) {
      const kernel = table[name] as (call: never) => GpuJsStorage;
      counted[name] = (call: never) => this.adopt(kernel(call));
    }
    return counted as KernelTable;
  }
}

const MODES: readonly GpuJsMode[] = ['gpu', 'webgl2', 'webgl', 'headlessgl', 'cpu'];

function checkOptions(options: GpuJsBackendOptions): void {
  if (options.mode !== undefined && !MODES.includes(options.mode)) {
    throw new ValueError(
      `gpujs: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got '${options.mode}'`,
    );
  }
  const limit = options.maxTextureSize;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new ValueError(`gpujs: maxTextureSize must be a positive integer, got ${limit}`);
  }
}

/**
 * Makes a gpu.js backend.
 *
 * @example
 * registerBackend('gpujs', () => createGpuJsBackend());
 * await setBackend('gpujs');
 * console.log(getBackend().info().mode); // 'headlessgl', 'webgl2', ... or 'cpu'
 */
export function createGpuJsBackend(options: GpuJsBackendOptions = {}): GpuJsBackend {
  return new GpuJsBackend(options);
}
