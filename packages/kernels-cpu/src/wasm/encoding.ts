/** A growable byte sink for the WebAssembly binary format. */
export class ByteWriter {
  private bytes: number[] = [];

  get length(): number {
    return this.bytes.length;
  }

  byte(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }

  raw(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) this.bytes.push(values[i] & 0xff);
    return this;
  }

  /** Writes an unsigned LEB128 integer (indices, counts, sizes, memarg fields). */
  u32(value: number): this {
    let rest = value >>> 0;
    do {
      const low = rest & 0x7f;
      rest >>>= 7;
      this.bytes.push(rest === 0 ? low : low | 0x80);
    } while (rest !== 0);
    return this;
  }

  /** Writes a signed LEB128 integer (the immediate of `i32.const`). */
  s32(value: number): this {
    let rest = value | 0;
    for (;;) {
      const low = rest & 0x7f;
      rest >>= 7;
      // Done once the remaining bits are all copies of the sign bit of `low`.
      const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
      this.bytes.push(done ? low : low | 0x80);
      if (done) return this;
    }
  }

  /** Writes a name: its UTF-8 length, then its bytes. */
  name(text: string): this {
    const utf8 = new TextEncoder().encode(text);
    return this.u32(utf8.length).raw(utf8);
  }

  /** Writes `content` prefixed with its byte length, as sections and function bodies are. */
  sized(content: ByteWriter): this {
    return this.u32(content.length).raw(content.bytes);
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}
