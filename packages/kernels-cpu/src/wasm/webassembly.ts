/*
 * The parts of the WebAssembly JavaScript API this package uses. The package compiles against
 * the ES2022 library without DOM types, which has no `WebAssembly` declarations, and it must
 * not assume the global exists (some sandboxes remove it), so it reads the global through
 * these types.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Grows by `pages` 64 KiB pages; throws a RangeError past the maximum or out of memory. */
  grow(pages: number): number;
}

export type WasmModule = object;

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** Returns the global `WebAssembly` object, or undefined where the environment has none. */
export function webAssembly(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}
