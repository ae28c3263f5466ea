/// <reference types="@webgpu/types" />
import { BUFFER_USAGE } from './gpu-constants';
import type { UniformDecl } from './program/program';

/**
 * One uniform buffer shared by every dispatch of a submission. Each dispatch gets a slot, and the
 * host copy is uploaded with one `queue.writeBuffer` just before the submit. The queue orders that
 * write after the previous submission, so the same buffer serves every submission.
 */
export class UniformArena {
  readonly buffer: GPUBuffer;
  private readonly bytes: ArrayBuffer;
  private readonly view: DataView;
  private used = 0;

  constructor(
    device: GPUDevice,
    readonly capacity: number,
    private readonly alignment: number,
  ) {
    this.buffer = device.createBuffer({
      size: capacity,
      usage: BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST,
    });
    this.bytes = new ArrayBuffer(capacity);
    this.view = new DataView(this.bytes);
  }

  /** Writes `values` into a new slot of `size` bytes and returns its offset, or null when full. */
  push(fields: readonly UniformDecl[], values: readonly number[], size: number): number | null {
    const offset = Math.ceil(this.used / this.alignment) * this.alignment;
    if (offset + size > this.capacity) return null;
    for (let i = 0; i < fields.length; i++) {
      const at = offset + i * 4;
      const value = values[i] ?? 0;
      if (fields[i].type === 'f32') this.view.setFloat32(at, value, true);
      else if (fields[i].type === 'i32') this.view.setInt32(at, value, true);
      else this.view.setUint32(at, value >>> 0, true);
    }
    this.used = offset + size;
    return offset;
  }

  /** Uploads the slots written since the last upload and starts over. */
  upload(queue: GPUQueue): void {
    if (this.used === 0) return;
    queue.writeBuffer(this.buffer, 0, this.bytes, 0, Math.ceil(this.used / 4) * 4);
    this.used = 0;
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
