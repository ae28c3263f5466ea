import { ByteWriter } from './encoding';
import type { FunctionBuilder, ValueType } from './function-builder';

const SECTION_TYPE = 1;
const SECTION_IMPORT = 2;
const SECTION_FUNCTION = 3;
const SECTION_EXPORT = 7;
const SECTION_CODE = 10;

export interface MemoryImport {
  module: string;
  name: string;
  /** Initial size in 64 KiB pages. */
  initial: number;
  /** Maximum size in pages; required for shared memory. */
  maximum?: number;
  shared?: boolean;
}

/**
 * A WebAssembly module under construction: one imported memory and functions, some exported.
 * Functions are indexed in the order they are added, so add a callee before its callers.
 */
export class ModuleBuilder {
  private readonly types: string[] = [];
  private readonly functions: { type: number; builder: FunctionBuilder }[] = [];
  private readonly exports: { name: string; index: number }[] = [];
  private memory: MemoryImport | undefined;

  importMemory(memory: MemoryImport): void {
    if (memory.shared && memory.maximum === undefined) {
      throw new Error(`shared memory ${memory.module}.${memory.name} needs a maximum size`);
    }
    this.memory = memory;
  }

  /** Adds a function, exported as `exportName` when given, and returns its index. */
  addFunction(builder: FunctionBuilder, exportName?: string): number {
    const index = this.functions.length;
    this.functions.push({ type: this.typeIndex(builder.params, builder.results), builder });
    if (exportName !== undefined) this.exports.push({ name: exportName, index });
    return index;
  }

  toBytes(): Uint8Array {
    const out = new ByteWriter();
    out.raw([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    out.byte(SECTION_TYPE).sized(this.typeSection());
    if (this.memory !== undefined) out.byte(SECTION_IMPORT).sized(this.importSection(this.memory));
    const functions = new ByteWriter().u32(this.functions.length);
    for (const f of this.functions) functions.u32(f.type);
    out.byte(SECTION_FUNCTION).sized(functions);
    const exports = new ByteWriter().u32(this.exports.length);
    for (const e of this.exports) exports.name(e.name).byte(0x00).u32(e.index);
    out.byte(SECTION_EXPORT).sized(exports);
    const code = new ByteWriter().u32(this.functions.length);
    for (const f of this.functions) code.sized(f.builder.encode());
    out.byte(SECTION_CODE).sized(code);
    return out.toBytes();
  }

  /** The index of the function type (params) -> (results), added on first use. */
  private typeIndex(params: readonly ValueType[], results: readonly ValueType[]): number {
    const key = `${params.join(',')}>${results.join(',')}`;
    let index = this.types.indexOf(key);
    if (index === -1) index = this.types.push(key) - 1;
    return index;
  }

  private typeSection(): ByteWriter {
    const out = new ByteWriter().u32(this.types.length);
    for (const key of this.types) {
      const [params, results] = key.split('>').map((list) => (list === '' ? [] : list.split(',')));
      out.byte(0x60).u32(params.length);
      for (const type of params) out.byte(Number(type));
      out.u32(results.length);
      for (const type of results) out.byte(Number(type));
    }
    return out;
  }

  private importSection(memory: MemoryImport): ByteWriter {
    const out = new ByteWriter().u32(1).name(memory.module).name(memory.name).byte(0x02);
    // Limits flags: bit 0 marks that a maximum follows, bit 1 marks the memory shared.
    const flags = (memory.maximum !== undefined ? 1 : 0) | (memory.shared ? 2 : 0);
    out.byte(flags).u32(memory.initial);
    if (memory.maximum !== undefined) out.u32(memory.maximum);
    return out;
  }
}
