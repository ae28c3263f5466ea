import type { TypedArray } from '@tessera/tensor';

/** The typed array types of CPU storages (bool is stored in a Uint8Array). */
export type ArrayType =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor;

/**
 * Freed typed arrays kept for reuse, by array type and length. Training repeats the same
 * shapes every step, so after the first step kernels take their outputs from here: a fresh
 * large array costs the runtime a zero fill and, on first touch, page faults. The pool keeps at
 * most `maxBytes`, evicting the least recently used type and length first.
 */
export class BufferPool {
  /** Free arrays by `${type name}:${length}`; the map's order is the order of last use. */
  private readonly free = new Map<string, TypedArray[]>();
  private pooledBytes = 0;
  private pooledBuffers = 0;
  /** Calls of `take` that returned a pooled array. */
  hits = 0;
  /** Calls of `take` that found none, so the caller allocated. */
  misses = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes held by free arrays. */
  get bytes(): number {
    return this.pooledBytes;
  }

  /** Number of free arrays. */
  get buffers(): number {
    return this.pooledBuffers;
  }

  /** Removes and returns a free array of this type and length; its old values remain. */
  take(type: ArrayType, length: number): TypedArray | undefined {
    const key = `${type.name}:${length}`;
    const list = this.free.get(key);
    const array = list?.pop();
    if (list === undefined || array === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.pooledBytes -= array.byteLength;
    this.pooledBuffers -= 1;
    this.free.delete(key);
    if (list.length > 0) this.free.set(key, list);
    return array;
  }

  /** Keeps `array` for reuse, first evicting old arrays if the pool would pass `maxBytes`. */
  give(array: TypedArray): void {
    if (array.length === 0 || array.byteLength > this.maxBytes) return;
    this.evict(this.maxBytes - array.byteLength);
    const key = `${array.constructor.name}:${array.length}`;
    const list = this.free.get(key) ?? [];
    this.free.delete(key);
    list.push(array);
    this.free.set(key, list);
    this.pooledBytes += array.byteLength;
    this.pooledBuffers += 1;
  }

  /** Drops every free array. */
  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
    this.pooledBuffers = 0;
  }

  /** Drops free arrays, least recently used key first, until at most `limit` bytes remain. */
  private evict(limit: number): void {
    for (const [key, list] of this.free) {
      if (this.pooledBytes <= limit) return;
      while (list.length > 0 && this.pooledBytes > limit) {
        const array = list.pop() as TypedArray;
        this.pooledBytes -= array.byteLength;
        this.pooledBuffers -= 1;
      }
      if (list.length === 0) this.free.delete(key);
    }
  }
}
