import { EXPM1_LOG1P } from './float-math';
import { FLOAT_BITS, snippet } from './snippets';

/**
 * `pow(x, y)` with C's special cases, which PyTorch and the conformance suite follow. `pow(x, 0)`
 * and `pow(1, y)` are 1 even for NaN, and `pow(-1, ±Infinity)` is 1. A negative base needs an
 * integer exponent, and an odd power of a negative base or -0 keeps the sign. WGSL's `pow` is undefined for negative
 * bases, so the magnitude is computed on |x| and the sign applied after.
 */
export const POW = snippet(
  'pow',
  `
fn isIntegerF32(y: f32) -> bool { return isFiniteF32(y) && floor(y) == y; }

// Every float32 of magnitude 2^24 or more is even.
fn isOddIntegerF32(y: f32) -> bool { return abs(y) < 16777216.0 && fract(y * 0.5) == 0.5; }

// Exponentiation by squaring: at most 2 x 24 roundings, so integer powers stay within a few ulp.
fn powIntegerF32(base: f32, exponent: u32) -> f32 {
  var result = 1.0;
  var b = base;
  var e = exponent;
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { result = result * b; }
    b = b * b;
    e = e >> 1u;
  }
  return result;
}

// x^y = 2^(y log2 x) for x > 0, without rounding y log2 x to float32 first, which a large
// exponent would turn into a large relative error. With x = m 2^e and m in [sqrt(1/2), sqrt(2)),
// y e is computed exactly as yHigh e + yLow e (y split into two 12-bit halves, e has at most 8
// bits), log2(m) comes from log1p (accurate near m = 1, unlike GPU log2), and only the
// fractional part of the exponent goes through exp2.
fn powLogF32(ax: f32, y: f32) -> f32 {
  // For |y| >= 2^31 and x != 1, |y log2 x| exceeds 128 (|log2 x| >= 2^-23 here).
  if (abs(y) >= 2147483648.0) { return select(0.0, infF32(), (ax > 1.0) == (y > 0.0)); }
  let parts = frexp(ax);
  var m = parts.fract;
  var e = f32(parts.exp);
  if (m < 0.70710678) {
    m = m * 2.0;
    e = e - 1.0;
  }
  let split = y * 4097.0;
  let yHigh = split - (split - y);
  let yLow = y - yHigh;
  let t = yHigh * e;
  let whole = round(t);
  let f = (t - whole) + yLow * e + y * (log1pF32(m - 1.0) * 1.442695);
  let n = whole + round(f);
  if (n > 128.0) { return infF32(); }
  if (n < -151.0) { return 0.0; }
  // Two steps keep each ldexp exponent well inside the float32 range.
  let k = i32(n);
  return ldexp(ldexp(exp2(f - round(f)), k / 2), k - k / 2);
}

fn powMagnitudeF32(ax: f32, y: f32) -> f32 {
  // Only x = -1 gets here with |x| = 1: every power of it has magnitude 1.
  if (ax == 1.0) { return 1.0; }
  if (isIntegerF32(y) && abs(y) < 16777216.0) {
    let m = powIntegerF32(ax, u32(abs(y)));
    if (y > 0.0) { return m; }
    // A power that overflowed has a reciprocal of 0; one that fell below the normal range
    // (and may have been flushed to 0) is redone in logarithms.
    if (isInfF32(m)) { return 0.0; }
    if (m >= 1.1754944e-38) { return 1.0 / m; }
  }
  return powLogF32(ax, y);
}

fn powF32(x: f32, y: f32) -> f32 {
  if (y == 0.0 || x == 1.0) { return 1.0; }
  if (isNanF32(x) || isNanF32(y)) { return nanF32(); }
  let ax = abs(x);
  if (isInfF32(y)) {
    if (ax == 1.0) { return 1.0; }
    if ((ax > 1.0) == (y > 0.0)) { return infF32(); }
    return 0.0;
  }
  let negative = signBitF32(x) && isOddIntegerF32(y);
  var magnitude: f32;
  if (isInfF32(x) || x == 0.0) {
    // An infinite base grows with a positive exponent; a zero base shrinks.
    magnitude = select(0.0, infF32(), (y > 0.0) == isInfF32(x));
  } else if (x < 0.0 && !isIntegerF32(y)) {
    return nanF32();
  } else {
    magnitude = powMagnitudeF32(ax, y);
  }
  return select(magnitude, -magnitude, negative);
}
`,
  [FLOAT_BITS, EXPM1_LOG1P],
);
