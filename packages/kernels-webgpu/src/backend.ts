import type {
  Backend,
  BackendMemory,
  DType,
  KernelName,
  KernelTable,
  Storage,
  TypedArray,
} from '@tessera/tensor';
import type { WebGPUContext } from './context';
import { webgpuKernels } from './kernel-table';
import type { ResolvedLimits } from './limits';
import type { WebGPUStorage } from './storage';

/** The adapter and device limits a backend runs with. */
export interface WebGPUInfo {
  /** The adapter's own description, with empty strings for fields it leaves out. */
  readonly adapter: {
    readonly vendor: string;
    readonly architecture: string;
    readonly device: string;
    readonly description: string;
  };
  /** The device limits the kernels plan with. */
  readonly limits: ResolvedLimits;
  /** Invocations per workgroup of the one-dimensional programs. */
  readonly workgroupSize: number;
}

const SUPPORTED: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool']);

/** Host values in the 4-byte layout the shaders read: bool becomes a u32 of 0 or 1. */
function toDeviceLayout(values: TypedArray, dtype: DType): Float32Array | Int32Array | Uint32Array {
  if (dtype === 'float32')
    return values instanceof Float32Array ? values : Float32Array.from(values);
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values);
  return Uint32Array.from(values, (v) => (v !== 0 ? 1 : 0));
}

function fromDeviceLayout(bytes: ArrayBuffer, dtype: DType): TypedArray {
  if (dtype === 'float32') return new Float32Array(bytes);
  if (dtype === 'int32') return new Int32Array(bytes);
  return Uint8Array.from(new Uint32Array(bytes));
}

/**
 * The WebGPU backend. Kernels record dispatches and return at once; the recorded work is submitted
 * when a read needs it or a batch fills up. Storages hold 4 bytes per element (bool as u32).
 * `memory()` counts the buffers of live tensors exactly, by their allocated size; freed buffers
 * wait in a pool for reuse and are not counted.
 */
export interface WebGPUBackend extends Backend {
  /** The device the backend runs on. */
  readonly device: GPUDevice;
  /** The adapter and the device limits the kernels plan with. */
  info(): WebGPUInfo;
  pooled(): { buffers: number; bytes: number };
  /** Submits the recorded dispatches now instead of at the next read. */
  flush(): void;
  /**
   * Waits for submitted work, frees every buffer and destroys the device if this backend
   * requested it, which lets Node exit. A device passed in through
   * `createWebGPUBackend({ device })` stays usable.
   */
  destroy(): Promise<void>;
}

export class WebGPUBackendImpl implements WebGPUBackend {
  readonly name = 'webgpu';
  readonly kernels: KernelTable;

  /**
   * The caller's GPU object (Dawn's in Node), held while the backend lives: once Dawn's
   * object is garbage collected, its instance is torn down under the device and the process
   * aborts. `destroy()` lets go of it.
   */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: held only to keep it alive
  private gpu: GPU | undefined;

  constructor(
    private readonly context: WebGPUContext,
    private readonly adapter: WebGPUInfo['adapter'],
    gpu?: GPU,
  ) {
    this.gpu = gpu;
    this.kernels = this.guardedKernels(webgpuKernels(context));
  }

  supportsDtype(dtype: DType): boolean {
    return SUPPORTED.has(dtype);
  }

  write(values: TypedArray, dtype: DType): Storage {
    this.context.checkUsable('write');
    const storage = this.context.allocate(values.length, dtype, true);
    this.context.write(storage, toDeviceLayout(values, dtype));
    return storage;
  }

  async read(storage: Storage, dtype: DType, size: number): Promise<TypedArray> {
    const bytes = await this.context.read(storage as WebGPUStorage, size);
    return fromDeviceLayout(bytes, dtype);
  }

  dispose(storage: Storage): void {
    this.context.release(storage as WebGPUStorage);
  }

  memory(): BackendMemory {
    return this.context.memory();
  }

  pooled(): { buffers: number; bytes: number } {
    return this.context.pooled();
  }

  info(): WebGPUInfo {
    return {
      adapter: this.adapter,
      limits: this.context.limits,
      workgroupSize: this.context.workgroupSize,
    };
  }

  get device(): GPUDevice {
    return this.context.device;
  }

  flush(): void {
    this.context.flush();
  }

  async destroy(): Promise<void> {
    await this.context.destroy();
    this.gpu = undefined;
  }

  private guardedKernels(table: KernelTable): KernelTable {
    const guarded: Partial<Record<KernelName, (call: never) => Storage>> = {};
    for (const name of Object.keys(table) as KernelName[]) {
      const kernel = table[name] as (call: never) => Storage;
      guarded[name] = (call: never) => this.context.runKernel(name, () => kernel(call));
    }
    return guarded as KernelTable;
  }
}
