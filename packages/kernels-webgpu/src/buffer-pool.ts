/// <reference types="@webgpu/types" />
import { BackendError } from '@tessera/tensor';

/** A device buffer that the pool hands out and takes back. */
export interface PooledBuffer {
  readonly gpuBuffer: GPUBuffer;
  /** Bytes allocated, which is the size class and at least the bytes requested. */
  readonly capacity: number;
  /**
   * The submission epoch of the last recorded command that used the buffer. While it equals the
   * context's current epoch, the command has not been submitted yet.
   */
  lastUsedEpoch: number;
}

/** The smallest size class; every buffer binding needs a nonzero size. */
const MIN_BUCKET_BYTES = 16;

/**
 * Reuses device buffers by size class. Classes are powers of two, so a buffer serves any request
 * of at least half its size. A request whose power of two would exceed `maxBufferSize` gets a
 * class of its own size rounded up to 256 bytes.
 *
 * NOTE: free buffers are kept until the backend is destroyed, so device memory stays at the peak
 * a program reached. Nothing evicts them under memory pressure yet.
 */
export class BufferPool {
  private readonly free = new Map<number, PooledBuffer[]>();
  private readonly all = new Set<PooledBuffer>();

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly maxBufferSize: number,
  ) {}

  /** Returns the size class for a request of `bytes`. */
  bucketFor(bytes: number): number {
    if (bytes > this.maxBufferSize) {
      throw new BackendError(
        `webgpu: a buffer of ${bytes} bytes exceeds the device's maxBufferSize ` +
          `(${this.maxBufferSize} bytes); split the tensor or use a device with a larger limit`,
      );
    }
    let bucket = MIN_BUCKET_BYTES;
    while (bucket < bytes) bucket *= 2;
    return bucket <= this.maxBufferSize ? bucket : Math.ceil(bytes / 256) * 256;
  }

  /**
   * Takes a free buffer of at least `bytes`, or creates one. With `notInEpoch`, buffers used by
   * commands of that epoch are passed over, because the host is about to write into the buffer
   * through the queue, and a queue write runs before commands that are not yet submitted.
   */
  acquire(bytes: number, notInEpoch?: number): PooledBuffer {
    const bucket = this.bucketFor(bytes);
    const candidates = this.free.get(bucket);
    if (candidates !== undefined) {
      for (let i = candidates.length - 1; i >= 0; i--) {
        if (candidates[i].lastUsedEpoch !== notInEpoch) {
          const [found] = candidates.splice(i, 1);
          return found;
        }
      }
    }
    const gpuBuffer = this.device.createBuffer({ size: bucket, usage: this.usage });
    const created: PooledBuffer = { gpuBuffer, capacity: bucket, lastUsedEpoch: -1 };
    this.all.add(created);
    return created;
  }

  release(buffer: PooledBuffer): void {
    const list = this.free.get(buffer.capacity);
    if (list === undefined) this.free.set(buffer.capacity, [buffer]);
    else list.push(buffer);
  }

  /** Number and bytes of the buffers waiting in the pool. */
  pooled(): { buffers: number; bytes: number } {
    let buffers = 0;
    let bytes = 0;
    for (const [bucket, list] of this.free) {
      buffers += list.length;
      bytes += bucket * list.length;
    }
    return { buffers, bytes };
  }

  /** Destroys every buffer the pool ever made, pooled or still in use. */
  destroyAll(): void {
    for (const buffer of this.all) buffer.gpuBuffer.destroy();
    this.all.clear();
    this.free.clear();
  }
}
