import { ByteWriter } from './encoding';

/** Value types of the WebAssembly binary format. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/**
 * A value that an emitted instruction left on the WebAssembly operand stack. It carries no data:
 * the type only keeps statements and values apart in the builder's signatures.
 */
export interface Operand {
  readonly stackValue: true;
}
const OPERAND: Operand = { stackValue: true };

const SIMD_PREFIX = 0xfd;
const BULK_PREFIX = 0xfc;
/** Block type of a block, loop or if that yields no value. */
const EMPTY_BLOCK = 0x40;

/**
 * The body of one WebAssembly function, written as calls that emit instructions at once.
 *
 * Instruction methods take their operands as arguments only to read like expressions:
 * JavaScript evaluates arguments left to right before the call, so
 * `f.i32Add(f.get(a), f.get(b))` emits `local.get a; local.get b; i32.add`, which is the
 * stack order the instruction expects. An operand must therefore be built in argument
 * position: one stored in a variable first would be emitted too early. Wrap it in a function
 * and call that in place.
 */
export class FunctionBuilder {
  readonly body = new ByteWriter();
  private readonly localTypes: ValueType[] = [];

  constructor(
    readonly params: readonly ValueType[],
    readonly results: readonly ValueType[],
  ) {}

  /** Declares a local variable and returns its index (after the parameters). */
  local(type: ValueType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  /** Declares `count` locals of one type and returns their indices. */
  locals(type: ValueType, count: number): number[] {
    return Array.from({ length: count }, () => this.local(type));
  }

  /** Encodes the local declarations and the body, as the code section stores a function. */
  encode(): ByteWriter {
    const out = new ByteWriter();
    const groups: [number, ValueType][] = [];
    for (const type of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    out.u32(groups.length);
    for (const [count, type] of groups) out.u32(count).byte(type);
    out.raw(this.body.toBytes()).byte(0x0b);
    return out;
  }

  // Variables and calls.

  get(index: number): Operand {
    this.body.byte(0x20).u32(index);
    return OPERAND;
  }

  set(index: number, _value: Operand): void {
    this.body.byte(0x21).u32(index);
  }

  /** Calls function `index`; `args` are evaluated (emitted) before the call. */
  call(index: number, ..._args: Operand[]): void {
    this.body.byte(0x10).u32(index);
  }

  /** Calls function `index`, which returns one value, and leaves that value on the stack. */
  callValue(index: number, ..._args: Operand[]): Operand {
    this.body.byte(0x10).u32(index);
    return OPERAND;
  }

  // Control flow. Branch depths count enclosing blocks outward from 0.

  /** Emits `body` inside a block; `br` to it jumps past its end. */
  block(body: () => void): void {
    this.body.byte(0x02).byte(EMPTY_BLOCK);
    body();
    this.body.byte(0x0b);
  }

  /** Emits `body` inside a loop; `br` to it jumps back to its start. */
  loop(body: () => void): void {
    this.body.byte(0x03).byte(EMPTY_BLOCK);
    body();
    this.body.byte(0x0b);
  }

  ifElse(_condition: Operand, then: () => void, otherwise?: () => void): void {
    this.body.byte(0x04).byte(EMPTY_BLOCK);
    then();
    if (otherwise !== undefined) {
      this.body.byte(0x05);
      otherwise();
    }
    this.body.byte(0x0b);
  }

  br(depth: number): void {
    this.body.byte(0x0c).u32(depth);
  }

  brIf(depth: number, _condition: Operand): void {
    this.body.byte(0x0d).u32(depth);
  }

  /** Runs `body` while `condition()` (emitted before each pass) is nonzero. */
  whileLoop(condition: () => Operand, body: () => void): void {
    this.block(() => {
      this.loop(() => {
        this.brIf(1, this.i32Eqz(condition()));
        body();
        this.br(0);
      });
    });
  }

  /** Runs `body` for counter = 0, step, 2 step, ... while counter < local `limit`. */
  forLoop(counter: number, limit: number, step: number, body: () => void): void {
    this.set(counter, this.i32(0));
    this.whileLoop(
      () => this.i32LtS(this.get(counter), this.get(limit)),
      () => {
        body();
        this.increment(counter, step);
      },
    );
  }

  // i32 arithmetic.

  i32(value: number): Operand {
    this.body.byte(0x41).s32(value);
    return OPERAND;
  }

  i32Eqz(_a: Operand): Operand {
    return this.op(0x45);
  }

  i32Eq(_a: Operand, _b: Operand): Operand {
    return this.op(0x46);
  }

  i32Ne(_a: Operand, _b: Operand): Operand {
    return this.op(0x47);
  }

  i32LtS(_a: Operand, _b: Operand): Operand {
    return this.op(0x48);
  }

  i32Add(_a: Operand, _b: Operand): Operand {
    return this.op(0x6a);
  }

  i32Sub(_a: Operand, _b: Operand): Operand {
    return this.op(0x6b);
  }

  i32Mul(_a: Operand, _b: Operand): Operand {
    return this.op(0x6c);
  }

  i32And(_a: Operand, _b: Operand): Operand {
    return this.op(0x71);
  }

  i32Or(_a: Operand, _b: Operand): Operand {
    return this.op(0x72);
  }

  i32Shl(_a: Operand, _b: Operand): Operand {
    return this.op(0x74);
  }

  /** `condition ? a : b`; both operands are evaluated. */
  select(_a: Operand, _b: Operand, _condition: Operand): Operand {
    return this.op(0x1b);
  }

  /** `min(a, b)` (signed); `a` and `b` emit their operand and are each called twice. */
  i32Min(a: () => Operand, b: () => Operand): Operand {
    return this.select(a(), b(), this.i32LtS(a(), b()));
  }

  /** Adds `delta` to local `index`. */
  increment(index: number, delta: number | Operand): void {
    this.set(
      index,
      this.i32Add(this.get(index), typeof delta === 'number' ? this.i32(delta) : delta),
    );
  }

  // Memory. Addresses are byte offsets; `offset` is the memarg's constant offset.

  f32Load(_address: Operand, offset = 0): Operand {
    this.body.byte(0x2a).u32(2).u32(offset);
    return OPERAND;
  }

  i32Load8U(_address: Operand, offset = 0): Operand {
    this.body.byte(0x2d).u32(0).u32(offset);
    return OPERAND;
  }

  i32Store(_address: Operand, _value: Operand, offset = 0): void {
    this.body.byte(0x36).u32(2).u32(offset);
  }

  f32Store(_address: Operand, _value: Operand, offset = 0): void {
    this.body.byte(0x38).u32(2).u32(offset);
  }

  f64Load(_address: Operand, offset = 0): Operand {
    this.body.byte(0x2b).u32(3).u32(offset);
    return OPERAND;
  }

  f64Store(_address: Operand, _value: Operand, offset = 0): void {
    this.body.byte(0x39).u32(3).u32(offset);
  }

  f32(value: number): Operand {
    this.body.byte(0x43);
    this.body.raw(new Uint8Array(new Float32Array([value]).buffer));
    return OPERAND;
  }

  // Scalar float arithmetic. Comparisons return an i32 0 or 1 and are false for NaN except `ne`.

  f32Eq(_a: Operand, _b: Operand): Operand {
    return this.op(0x5b);
  }

  f32Ne(_a: Operand, _b: Operand): Operand {
    return this.op(0x5c);
  }

  f32Lt(_a: Operand, _b: Operand): Operand {
    return this.op(0x5d);
  }

  f32Gt(_a: Operand, _b: Operand): Operand {
    return this.op(0x5e);
  }

  f64Add(_a: Operand, _b: Operand): Operand {
    return this.op(0xa0);
  }

  f64PromoteF32(_a: Operand): Operand {
    return this.op(0xbb);
  }

  /** `memory.fill`: sets `length` bytes at `address` to `value`. */
  memoryFill(_address: Operand, _value: Operand, _length: Operand): void {
    this.body.byte(BULK_PREFIX).u32(0x0b).byte(0);
  }

  // SIMD (128-bit).

  v128Load(_address: Operand, offset = 0): Operand {
    return this.simdMemory(0x00, offset);
  }

  /** Loads one float32 and repeats it in all four lanes. */
  v128Load32Splat(_address: Operand, offset = 0): Operand {
    return this.simdMemory(0x09, offset);
  }

  /** Loads two float32 (8 bytes) into the low lanes and zeroes the high lanes. */
  v128Load64Zero(_address: Operand, offset = 0): Operand {
    return this.simdMemory(0x5d, offset);
  }

  v128Store(_address: Operand, _value: Operand, offset = 0): void {
    this.simdMemory(0x0b, offset);
  }

  /** Builds a vector from the bytes of `a` (indices 0-15) and `b` (16-31) named in `lanes`. */
  i8x16Shuffle(_a: Operand, _b: Operand, lanes: readonly number[]): Operand {
    this.body.byte(SIMD_PREFIX).u32(0x0d).raw(lanes);
    return OPERAND;
  }

  /** Repeats the f32 `value` in all four lanes. */
  f32x4Splat(_value: Operand): Operand {
    return this.simd(0x13);
  }

  f32x4ExtractLane(_a: Operand, lane: number): Operand {
    this.simd(0x1f);
    this.body.byte(lane);
    return OPERAND;
  }

  i32x4ExtractLane(_a: Operand, lane: number): Operand {
    this.simd(0x1b);
    this.body.byte(lane);
    return OPERAND;
  }

  f64x2ExtractLane(_a: Operand, lane: number): Operand {
    this.simd(0x21);
    this.body.byte(lane);
    return OPERAND;
  }

  /** Converts float32 lanes 0 and 1 to the two float64 lanes (exactly). */
  f64x2PromoteLowF32x4(_a: Operand): Operand {
    return this.simd(0x5f);
  }

  f64x2Add(_a: Operand, _b: Operand): Operand {
    return this.simd(0xf0);
  }

  /** Emits `v128.const` with the 16 bytes of `lanes`. */
  v128Const(lanes: Float32Array | Int32Array): Operand {
    this.body.byte(SIMD_PREFIX).u32(0x0c);
    this.body.raw(new Uint8Array(lanes.buffer, lanes.byteOffset, 16));
    return OPERAND;
  }

  /** Emits a v128 constant with `value` in all four float32 lanes. */
  f32x4Const(value: number): Operand {
    return this.v128Const(new Float32Array([value, value, value, value]));
  }

  /** Emits a v128 constant with `value` in all four int32 lanes. */
  i32x4Const(value: number): Operand {
    return this.v128Const(new Int32Array([value, value, value, value]));
  }

  v128And(_a: Operand, _b: Operand): Operand {
    return this.simd(0x4e);
  }

  /** `a & ~b`. */
  v128AndNot(_a: Operand, _b: Operand): Operand {
    return this.simd(0x4f);
  }

  v128Or(_a: Operand, _b: Operand): Operand {
    return this.simd(0x50);
  }

  /** Takes each bit from `a` where `mask` has a 1 and from `b` where it has a 0. */
  v128Bitselect(_a: Operand, _b: Operand, _mask: Operand): Operand {
    return this.simd(0x52);
  }

  /** Returns i32 1 when any bit of `a` is set, else 0. */
  v128AnyTrue(_a: Operand): Operand {
    return this.simd(0x53);
  }

  // Lane comparisons return all ones in a lane where they hold, all zeros elsewhere. Every
  // comparison with NaN is false except `ne`.

  i8x16Eq(_a: Operand, _b: Operand): Operand {
    return this.simd(0x23);
  }

  /** Signed lane comparison of int32 lanes. */
  i32x4LtS(_a: Operand, _b: Operand): Operand {
    return this.simd(0x39);
  }

  f32x4Eq(_a: Operand, _b: Operand): Operand {
    return this.simd(0x41);
  }

  f32x4Ne(_a: Operand, _b: Operand): Operand {
    return this.simd(0x42);
  }

  f32x4Lt(_a: Operand, _b: Operand): Operand {
    return this.simd(0x43);
  }

  f32x4Gt(_a: Operand, _b: Operand): Operand {
    return this.simd(0x44);
  }

  f32x4Le(_a: Operand, _b: Operand): Operand {
    return this.simd(0x45);
  }

  f32x4Ge(_a: Operand, _b: Operand): Operand {
    return this.simd(0x46);
  }

  /** Sign-extends int8 lanes 0-7 (low) or 8-15 (high) of `a` to int16 lanes. */
  i16x8ExtendI8x16S(_a: Operand, half: 'low' | 'high'): Operand {
    return this.simd(half === 'low' ? 0x87 : 0x88);
  }

  /** Sign-extends int16 lanes 0-3 (low) or 4-7 (high) of `a` to int32 lanes. */
  i32x4ExtendI16x8S(_a: Operand, half: 'low' | 'high'): Operand {
    return this.simd(half === 'low' ? 0xa7 : 0xa8);
  }

  i32x4Shl(_a: Operand, _bits: Operand): Operand {
    return this.simd(0xab);
  }

  /** Arithmetic (sign-extending) right shift of each lane by the i32 `bits`. */
  i32x4ShrS(_a: Operand, _bits: Operand): Operand {
    return this.simd(0xac);
  }

  i32x4Add(_a: Operand, _b: Operand): Operand {
    return this.simd(0xae);
  }

  i32x4Sub(_a: Operand, _b: Operand): Operand {
    return this.simd(0xb1);
  }

  f32x4Abs(_a: Operand): Operand {
    return this.simd(0xe0);
  }

  f32x4Neg(_a: Operand): Operand {
    return this.simd(0xe1);
  }

  f32x4Sqrt(_a: Operand): Operand {
    return this.simd(0xe3);
  }

  f32x4Add(_a: Operand, _b: Operand): Operand {
    return this.simd(0xe4);
  }

  f32x4Sub(_a: Operand, _b: Operand): Operand {
    return this.simd(0xe5);
  }

  f32x4Mul(_a: Operand, _b: Operand): Operand {
    return this.simd(0xe6);
  }

  f32x4Div(_a: Operand, _b: Operand): Operand {
    return this.simd(0xe7);
  }

  /** `b < a ? b : a` per lane, so a NaN in `a` is kept and a NaN in `b` is not. */
  f32x4Pmin(_a: Operand, _b: Operand): Operand {
    return this.simd(0xea);
  }

  /** `a < b ? b : a` per lane, so a NaN in `a` is kept and a NaN in `b` is not. */
  f32x4Pmax(_a: Operand, _b: Operand): Operand {
    return this.simd(0xeb);
  }

  f32x4ConvertI32x4S(_a: Operand): Operand {
    return this.simd(0xfa);
  }

  /** `a * b + c`, fused or not as the engine chooses (relaxed SIMD). */
  f32x4RelaxedMadd(_a: Operand, _b: Operand, _c: Operand): Operand {
    return this.simd(0x105);
  }

  private op(code: number): Operand {
    this.body.byte(code);
    return OPERAND;
  }

  private simd(code: number): Operand {
    this.body.byte(SIMD_PREFIX).u32(code);
    return OPERAND;
  }

  private simdMemory(code: number, offset: number): Operand {
    // Alignment hint 2 (4 bytes): packed panels are float32-aligned, not always 16-byte aligned.
    this.body.byte(SIMD_PREFIX).u32(code).u32(2).u32(offset);
    return OPERAND;
  }
}
