/// <reference types="@webgpu/types" />
import {
  BackendError,
  type BackendMemory,
  type DType,
  debugLog,
  getLogLevel,
} from '@tessera/tensor';
import { BufferPool, type PooledBuffer } from './buffer-pool';
import { BUFFER_USAGE, MAP_MODE_READ } from './gpu-constants';
import { powerOfTwoAtMost, type ResolvedLimits } from './limits';
import { type CompiledProgram, compileProgram } from './pipeline';
import { foldWorkgroups, type Program, uniformBytes, uniformFields } from './program/program';
import { bytesFor, type WebGPUStorage } from './storage';
import { UniformArena } from './uniform-arena';

/** A byte range of a buffer bound to one binding of a dispatch. */
export interface BufferRange {
  readonly buffer: PooledBuffer;
  readonly offset: number;
  readonly size: number;
}

/** The workgroup count, buffers and uniform values of one dispatch. */
export interface Launch {
  /** Workgroups in all; the context folds them into up to three dimensions. */
  readonly workgroups: number;
  /** One range per binding of the program, in its order. */
  readonly buffers: readonly BufferRange[];
  /** One value per uniform of the program, in its order. */
  readonly uniforms: readonly number[];
}

/**
 * Dispatches recorded before a submit. Batching spares a queue submission per kernel, and the
 * bound keeps the GPU fed while the host records more.
 */
const MAX_PENDING_DISPATCHES = 128;

const UNIFORM_ARENA_BYTES = 64 * 1024;

const STORAGE_USAGE = BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST;

/**
 * The device side of the backend: buffers and their accounting, compiled programs, and the
 * command encoder that collects dispatches until a read (or the batch bound) submits them.
 */
export class WebGPUContext {
  /** Invocations per workgroup for one-dimensional programs: a power of two within limits. */
  readonly workgroupSize: number;
  /** The number of submissions so far. Buffers remember the epoch of their last recorded use. */
  epoch = 0;
  private readonly storagePool: BufferPool;
  private readonly readPool: BufferPool;
  private readonly arena: UniformArena;
  private readonly pipelines = new Map<string, CompiledProgram>();
  private readonly live = new Set<WebGPUStorage>();
  private liveBytes = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pending = 0;
  private lostInfo: { reason: string; message: string } | null = null;
  private destroyed = false;
  private deviceErrors: string[] = [];
  /** Storages allocated by the kernel now running, freed again if it throws. */
  private kernelAllocations: WebGPUStorage[] | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly limits: ResolvedLimits,
    private readonly ownsDevice: boolean,
  ) {
    this.workgroupSize = powerOfTwoAtMost(
      Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX),
      256,
    );
    this.storagePool = new BufferPool(device, STORAGE_USAGE, limits.maxBufferSize);
    this.readPool = new BufferPool(
      device,
      BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST,
      limits.maxBufferSize,
    );
    const arenaBytes = Math.min(UNIFORM_ARENA_BYTES, limits.maxBufferSize);
    this.arena = new UniformArena(device, arenaBytes, limits.minUniformBufferOffsetAlignment);
    void device.lost.then((info) => {
      this.lostInfo = { reason: info.reason, message: info.message };
      if (!this.destroyed) debugLog(1, `webgpu: device lost (${info.reason}): ${info.message}`);
    });
    device.addEventListener('uncapturederror', (event) => {
      const message = (event as GPUUncapturedErrorEvent).error.message;
      debugLog(1, `webgpu: device error: ${message}`);
      if (this.deviceErrors.length < 8) this.deviceErrors.push(message);
    });
  }

  /** Throws when the device is gone, naming `op`, instead of letting the call hang or fail silently. */
  checkUsable(op: string): void {
    if (this.destroyed) {
      throw new BackendError(`webgpu: ${op} called after the backend was destroyed`);
    }
    if (this.lostInfo !== null) {
      const { reason, message } = this.lostInfo;
      throw new BackendError(
        `webgpu: ${op} failed because the GPU device was lost (${reason}: ${message}). ` +
          'Tensors on this backend are gone; create a new backend with createWebGPUBackend() ' +
          'and register it again',
      );
    }
  }

  /**
   * Runs one kernel. A kernel that throws (a limit it cannot work around) has its allocations
   * released, so `memory()` stays exact.
   */
  runKernel<T>(name: string, kernel: () => T): T {
    this.checkUsable(name);
    const allocations: WebGPUStorage[] = [];
    this.kernelAllocations = allocations;
    try {
      return kernel();
    } catch (error) {
      for (const storage of allocations) this.release(storage);
      throw error;
    } finally {
      this.kernelAllocations = null;
    }
  }

  /** Allocates a storage of `size` elements; `forHostWrite` when the host fills it through the queue. */
  allocate(size: number, dtype: DType, forHostWrite = false): WebGPUStorage {
    const buffer = this.storagePool.acquire(
      Math.max(bytesFor(size), 4),
      forHostWrite ? this.epoch : undefined,
    );
    const storage: WebGPUStorage = { buffer, size, dtype };
    this.live.add(storage);
    this.kernelAllocations?.push(storage);
    this.liveBytes += buffer.capacity;
    return storage;
  }

  /** Returns a storage's buffer to the pool. A second call for the same storage does nothing. */
  release(storage: WebGPUStorage): void {
    if (!this.live.delete(storage)) return;
    this.liveBytes -= storage.buffer.capacity;
    this.storagePool.release(storage.buffer);
  }

  memory(): BackendMemory {
    return { bytes: this.liveBytes, buffers: this.live.size };
  }

  /** Free buffers kept for reuse, which `memory()` leaves out. */
  pooled(): { buffers: number; bytes: number } {
    return this.storagePool.pooled();
  }

  /**
   * Returns a binding over a whole tensor, for kernels that cannot split their work across
   * bindings. Throws before anything is recorded when the tensor is larger than one binding.
   */
  whole(storage: WebGPUStorage, kernel: string, role: string): BufferRange {
    const size = Math.max(bytesFor(storage.size), 4);
    if (size > this.limits.bindingBytes) {
      throw new BackendError(
        `webgpu: ${kernel} cannot split its ${role} of ${size} bytes across bindings, and one ` +
          `storage binding may cover at most ${this.limits.bindingBytes} bytes ` +
          '(maxStorageBufferBindingSize or the maxBindingBytes option)',
      );
    }
    return { buffer: storage.buffer, offset: 0, size };
  }

  /** Records one dispatch of `program`. */
  run(program: Program, launch: Launch): void {
    this.checkUsable(program.key);
    if (launch.workgroups === 0) return;
    const compiled = this.compiled(program);
    const size = uniformBytes(program);
    let offset = this.arena.push(uniformFields(program), launch.uniforms, size);
    if (offset === null) {
      this.flush();
      offset = this.arena.push(uniformFields(program), launch.uniforms, size) as number;
    }
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: this.arena.buffer, offset, size } },
    ];
    launch.buffers.forEach((range, i) => {
      range.buffer.lastUsedEpoch = this.epoch;
      const resource = { buffer: range.buffer.gpuBuffer, offset: range.offset, size: range.size };
      entries.push({ binding: i + 1, resource });
    });
    const bindGroup = this.device.createBindGroup({ layout: compiled.layout, entries });
    const grid = foldWorkgroups(launch.workgroups, this.limits.maxComputeWorkgroupsPerDimension);
    const pass = this.commandEncoder().beginComputePass();
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    pass.end();
    if (getLogLevel() >= 2) {
      debugLog(2, `webgpu: dispatch ${program.key} workgroups [${grid.join(', ')}]`);
    }
    this.pending += 1;
    if (this.pending >= MAX_PENDING_DISPATCHES) this.flush();
  }

  /** Records zero-filling `range` (offset and size multiples of 4). */
  clear(range: BufferRange): void {
    this.checkUsable('clear');
    range.buffer.lastUsedEpoch = this.epoch;
    this.commandEncoder().clearBuffer(range.buffer.gpuBuffer, range.offset, range.size);
  }

  /** Submits what has been recorded, after uploading its uniforms. */
  flush(): void {
    if (this.encoder === null) return;
    this.arena.upload(this.device.queue);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.pending = 0;
    this.epoch += 1;
  }

  /** Copies host data into a storage made with `allocate(..., true)`. */
  write(storage: WebGPUStorage, data: ArrayBufferView): void {
    this.checkUsable('write');
    if (data.byteLength === 0) return;
    this.device.queue.writeBuffer(
      storage.buffer.gpuBuffer,
      0,
      data.buffer,
      data.byteOffset,
      data.byteLength,
    );
  }

  /** Copies the first `size` elements of a storage back to the host. */
  async read(storage: WebGPUStorage, size: number): Promise<ArrayBuffer> {
    this.checkUsable('read');
    const bytes = bytesFor(size);
    if (bytes === 0) {
      this.throwDeviceErrors();
      return new ArrayBuffer(0);
    }
    const staging = this.readPool.acquire(bytes);
    storage.buffer.lastUsedEpoch = this.epoch;
    this.commandEncoder().copyBufferToBuffer(
      storage.buffer.gpuBuffer,
      0,
      staging.gpuBuffer,
      0,
      bytes,
    );
    this.flush();
    await this.mapForReading(staging.gpuBuffer, bytes);
    let copy: ArrayBuffer;
    try {
      copy = staging.gpuBuffer.getMappedRange(0, bytes).slice(0);
      staging.gpuBuffer.unmap();
    } catch (error) {
      // Destroying the device unmaps its buffers, even one whose map had just finished.
      throw this.readFailure(error);
    }
    this.readPool.release(staging);
    this.throwDeviceErrors();
    return copy;
  }

  /** Maps a staging buffer, or throws if the device is lost first (the map would never finish). */
  private async mapForReading(buffer: GPUBuffer, bytes: number): Promise<void> {
    const mapped = buffer.mapAsync(MAP_MODE_READ, 0, bytes).then(
      () => 'mapped' as const,
      (error: unknown) => error,
    );
    const lost = this.device.lost.then(() => 'lost' as const);
    const outcome = await Promise.race([mapped, lost]);
    if (outcome !== 'mapped') throw this.readFailure(outcome);
  }

  /** Builds the error for a failed read: the lost-device error when that is the cause. */
  private readFailure(cause: unknown): BackendError {
    try {
      this.checkUsable('read');
    } catch (error) {
      return error as BackendError;
    }
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new BackendError(`webgpu: reading a buffer back failed: ${reason}`, { cause });
  }

  /** Throws the device errors reported since the last check (validation, out of memory). */
  private throwDeviceErrors(): void {
    if (this.deviceErrors.length === 0) return;
    const [first] = this.deviceErrors;
    const more = this.deviceErrors.length > 1 ? ` (and ${this.deviceErrors.length - 1} more)` : '';
    this.deviceErrors = [];
    throw new BackendError(
      `webgpu: the device reported an error while running kernels: ${first}${more}`,
    );
  }

  private commandEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private compiled(program: Program): CompiledProgram {
    let compiled = this.pipelines.get(program.key);
    if (compiled === undefined) {
      compiled = compileProgram(this.device, program);
      this.pipelines.set(program.key, compiled);
    }
    return compiled;
  }

  /**
   * Waits for submitted work, then frees every buffer and, when the backend requested the device
   * itself, destroys it. Calls made meanwhile already throw.
   */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.lostInfo === null) {
      this.flush();
      // Destroying a device while its queue still runs work crashed SwiftShader's threads in
      // tests (std::system_error at exit), so the queue is drained first.
      await Promise.race([this.device.queue.onSubmittedWorkDone(), this.device.lost]);
    }
    this.encoder = null;
    this.storagePool.destroyAll();
    this.readPool.destroyAll();
    this.arena.destroy();
    this.live.clear();
    this.liveBytes = 0;
    this.pipelines.clear();
    if (this.ownsDevice) this.device.destroy();
  }
}
