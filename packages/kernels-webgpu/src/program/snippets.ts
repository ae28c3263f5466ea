/**
 * WGSL building blocks. A snippet is a named piece of shader code with the snippets it calls. A
 * program lists what it uses, and `collectSnippets` emits each one once, dependencies first.
 */
export interface Snippet {
  readonly name: string;
  readonly code: string;
  readonly requires: readonly Snippet[];
}

export function snippet(name: string, code: string, requires: readonly Snippet[] = []): Snippet {
  return { name, code: code.trim(), requires };
}

/** Joins the code of `snippets` and everything they require, each once, dependencies first. */
export function collectSnippets(snippets: readonly Snippet[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (s: Snippet): void => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    for (const r of s.requires) visit(r);
    out.push(s.code);
  };
  for (const s of snippets) visit(s);
  return out.join('\n\n');
}

/**
 * Float32 classification by bit pattern. WGSL rejects NaN and infinity in constant expressions
 * and lets implementations assume they never occur, so `x != x` may be folded to false (it is on
 * SwiftShader). The special values therefore come from private variables and every test looks at
 * the bits.
 */
export const FLOAT_BITS = snippet(
  'floatBits',
  `
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nanF32() -> f32 { return bitcast<f32>(NAN_BITS); }
fn infF32() -> f32 { return bitcast<f32>(INF_BITS); }
fn isNanF32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isInfF32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn isFiniteF32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn isNonzeroF32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }
fn signBitF32(x: f32) -> bool { return (bitcast<u32>(x) >> 31u) == 1u; }
`,
);

/**
 * int32 arithmetic through u32, which has the same two's-complement result, so wrap-around never
 * depends on how a downstream shader compiler treats signed overflow.
 */
export const INT_WRAP = snippet(
  'intWrap',
  `
fn addI32(a: i32, b: i32) -> i32 { return bitcast<i32>(bitcast<u32>(a) + bitcast<u32>(b)); }
fn subI32(a: i32, b: i32) -> i32 { return bitcast<i32>(bitcast<u32>(a) - bitcast<u32>(b)); }
fn mulI32(a: i32, b: i32) -> i32 { return bitcast<i32>(bitcast<u32>(a) * bitcast<u32>(b)); }
fn negI32(a: i32) -> i32 { return bitcast<i32>(0u - bitcast<u32>(a)); }
`,
);

/**
 * Float to int32 as a JavaScript Int32Array store does it: truncation toward zero, NaN and
 * infinities give 0, and magnitudes of 2^31 and more keep their low 32 bits. WGSL's own
 * conversion clamps instead, so it is used only below 2^31.
 */
export const F32_TO_I32 = snippet(
  'f32ToI32',
  `
fn f32ToI32(x: f32) -> i32 {
  let bits = bitcast<u32>(x);
  let exponent = i32((bits >> 23u) & 0xffu) - 127;
  if (exponent < 31) { return i32(x); }
  if (exponent == 128) { return 0; }
  // Here |x| >= 2^31 is an integer: its mantissa shifted left, and only the low 32 bits count.
  let shift = exponent - 23;
  if (shift >= 32) { return 0; }
  let magnitude = ((bits & 0x7fffffu) | 0x800000u) << u32(shift);
  return bitcast<i32>(select(magnitude, 0u - magnitude, signBitF32(x)));
}
`,
  [FLOAT_BITS],
);

/** maximum and minimum that return NaN when either operand is NaN (WGSL's max and min may not). */
export const MIN_MAX_F32 = snippet(
  'minMaxF32',
  `
fn maxF32(a: f32, b: f32) -> f32 { return select(b, a, isNanF32(a) || a > b); }
fn minF32(a: f32, b: f32) -> f32 { return select(b, a, isNanF32(a) || a < b); }
`,
  [FLOAT_BITS],
);
