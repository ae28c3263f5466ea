import { LARGE_ANGLE_REDUCTION } from './large-angle';
import { FLOAT_BITS, snippet } from './snippets';

/*
 * Float32 functions with IEEE special values made explicit. WGSL leaves the results of its
 * built-ins undefined for NaN, infinities, overflow and division by zero, and several have only
 * absolute error bounds, so each function below handles those cases itself.
 */

export const EXP_LOG = snippet(
  'expLog',
  `
fn expF32(x: f32) -> f32 {
  if (isNanF32(x)) { return x; }
  // ln(FLT_MAX) is 88.72284; below -103.97208 even the smallest subnormal underflows to 0.
  if (x > 88.72284) { return infF32(); }
  if (x < -103.97208) { return 0.0; }
  return exp(x);
}

fn logF32(x: f32) -> f32 {
  if (isNanF32(x) || x < 0.0) { return nanF32(); }
  if (x == 0.0) { return -infF32(); }
  if (isInfF32(x)) { return x; }
  return log(x);
}
`,
  [FLOAT_BITS],
);

export const EXPM1_LOG1P = snippet(
  'expm1Log1p',
  `
fn expm1F32(x: f32) -> f32 {
  // exp(x) - 1 cancels for small |x|. There the Taylor series to x^8 is accurate to float32
  // (the first term left out, x^9 / 9!, is below 1e-8 relative for |x| < 0.5).
  if (abs(x) < 0.5) {
    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0
      + x * (1.0 / 720.0 + x * (1.0 / 5040.0 + x * (1.0 / 40320.0))))))));
  }
  return expF32(x) - 1.0;
}

fn log1pF32(x: f32) -> f32 {
  // 1 + x drops the low bits of a small x. Instead log1p(x) = 2 atanh(s), s = x / (2 + x), and
  // the odd series of atanh to s^13 is accurate to float32 for |x| < 0.5, where |s| <= 1/3.
  if (abs(x) < 0.5) {
    let s = x / (2.0 + x);
    let s2 = s * s;
    return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0
      + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0)))))));
  }
  return logF32(1.0 + x);
}
`,
  [EXP_LOG],
);

export const SIGMOID_TANH = snippet(
  'sigmoidTanh',
  `
fn sigmoidF32(x: f32) -> f32 {
  // exp of a non-positive argument cannot overflow, so each side uses the form that has one.
  if (x >= 0.0) { return 1.0 / (1.0 + expF32(-x)); }
  let e = expF32(x);
  return e / (1.0 + e);
}

fn tanhF32(x: f32) -> f32 {
  // tanh(9) already rounds to 1 in float32; clamping keeps exp-based GPU formulas from
  // overflowing into NaN for large |x|.
  return tanh(clamp(x, -9.0, 9.0));
}
`,
  [EXP_LOG],
);

/**
 * sin and cos from their Taylor series after reduction to [-pi/4, pi/4]. WGSL's built-ins only
 * promise an absolute error of 2^-11 (SwiftShader's is about 2e-5 at sin(1)), far from float32.
 */
export const SIN_COS = snippet(
  'sinCos',
  `
// x - q * pi/2 for the integer q nearest x * 2/pi, |q| < 2^24. pi/2 is split as 1.5703125 +
// 4.837513e-4 + 7.54979e-8, whose first two parts have 8 and 11 significant bits, and q as a
// multiple of 4096 plus a remainder of the same sign, each with at most 12 significant bits.
// Every product of the parts is then exact, and each subtraction lands on a value that float32
// represents exactly, so only the last term rounds. (A fused fma would be shorter, but SwiftShader
// does not fuse it.)
fn quarterTurnRemainderF32(x: f32, q: f32) -> f32 {
  let qHigh = trunc(q / 4096.0) * 4096.0;
  let qLow = q - qHigh;
  var r = x - qHigh * 1.5703125;
  r = r - qLow * 1.5703125;
  r = r - qHigh * 4.837512969970703e-4;
  r = r - qLow * 4.837512969970703e-4;
  return r - q * 7.54979e-8;
}

// sin(q * pi/2 + r) for |r| <= pi/4: the quadrant q mod 4 picks +-sin(r) or +-cos(r), and the
// Taylor series to r^9 and r^10 are accurate to float32 there (next terms below 2e-9).
fn sinOfQuarterTurnsF32(q: i32, r: f32) -> f32 {
  let r2 = r * r;
  let s = r + r * r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0))));
  let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0
    + r2 * (-1.0 / 3628800.0)))));
  let quadrant = q & 3;
  if (quadrant == 0) { return s; }
  if (quadrant == 1) { return c; }
  if (quadrant == 2) { return -s; }
  return -c;
}

// sin(x + shift * pi/2): shift 0 gives sin, shift 1 gives cos.
fn sinShiftedF32(x: f32, shift: i32) -> f32 {
  if (!isFiniteF32(x)) { return nanF32(); }
  let q = round(x * 0.63661975);
  if (abs(q) < 16777216.0) {
    return sinOfQuarterTurnsF32(i32(q) + shift, quarterTurnRemainderF32(x, q));
  }
  let reduced = reduceLargeF32(abs(x));
  if (x < 0.0) { return sinOfQuarterTurnsF32(shift - reduced.quadrant, -reduced.remainder); }
  return sinOfQuarterTurnsF32(reduced.quadrant + shift, reduced.remainder);
}

fn sinF32(x: f32) -> f32 { return sinShiftedF32(x, 0); }

fn cosF32(x: f32) -> f32 { return sinShiftedF32(x, 1); }
`,
  [FLOAT_BITS, LARGE_ANGLE_REDUCTION],
);

export const DIV = snippet(
  'div',
  `
fn divF32(a: f32, b: f32) -> f32 {
  if (isNanF32(a) || isNanF32(b)) { return nanF32(); }
  let sign = (bitcast<u32>(a) ^ bitcast<u32>(b)) & 0x80000000u;
  if (b == 0.0) {
    if (a == 0.0) { return nanF32(); }
    return bitcast<f32>(INF_BITS | sign);
  }
  if (isInfF32(b)) {
    if (isInfF32(a)) { return nanF32(); }
    return bitcast<f32>(sign);
  }
  if (isInfF32(a)) { return bitcast<f32>(INF_BITS | sign); }
  // GPUs may compute a * (1 / b), and 1 / b underflows to 0 when |b| > 2^126.
  if (abs(b) > 8.507059e37) { return (a * 0.25) / (b * 0.25); }
  return a / b;
}

fn sqrtF32(x: f32) -> f32 {
  if (x < 0.0) { return nanF32(); }
  if (isInfF32(x)) { return x; }
  return sqrt(x);
}
`,
  [FLOAT_BITS],
);
