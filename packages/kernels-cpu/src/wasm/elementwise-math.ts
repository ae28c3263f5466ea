import { type FunctionBuilder, type Operand, V128 } from './function-builder';

/*
 * Float32 exp, log, sigmoid and tanh on four lanes at a time, emitted into a FunctionBuilder.
 * Each emitter reads its argument from a v128 local, declares the locals it needs and leaves
 * the result on the operand stack. Special values follow JavaScript's Math functions rounded to
 * float32, which the TypeScript loops in kernels/unary.ts compute.
 *
 * The polynomial coefficients come from scripts/fit-polynomials.mjs (Remez exchange in float64,
 * rounded to float32). test/wasm-elementwise.test.ts checks the results against float64 Math.
 */

const LOG2E = Math.LOG2E;
/**
 * ln(2) split in two for the Cody-Waite reduction r = x - n ln(2). LN2_HI has 15 significant
 * bits, so n * LN2_HI is exact for |n| < 2^9 (here |n| <= 216).
 */
const LN2_HI = 0.693145751953125;
const LN2_LO = 1.428606765330187e-6;

/**
 * Arguments of exp are clamped to this range first. Beyond it the result is 0 or infinity
 * already (exp underflows to 0 below about -103.97 and overflows above about 88.72), and the
 * clamp keeps the exponent arithmetic in range. The clamp keeps NaN.
 */
const EXP_MIN_ARGUMENT = -150;
const EXP_MAX_ARGUMENT = 100;
/**
 * 1.5 * 2^23: adding it to a float32 y with |y| < 2^22 rounds y to an integer (ties to even)
 * and leaves that integer in the low bits, so that the bit pattern minus
 * ROUNDING_SHIFTER_BITS is the integer as an int32.
 */
const ROUNDING_SHIFTER = 1.5 * 2 ** 23;
const ROUNDING_SHIFTER_BITS = 0x4b400000;

/** q with e^r = 1 + r + r^2 q(r) for |r| <= 0.35: max relative error 4.8e-9 in float64. */
const EXP_TAIL = [
  0.4999999403953552, 0.16666515171527863, 0.04166845604777336, 0.008369410410523415,
  0.0013813161058351398,
];

/**
 * P with tanh(a) = a + a^3 P(a^2) for 0 <= a <= TANH_SMALL: max relative error 7.5e-9 in
 * float64. Above TANH_SMALL, tanh(a) = (1 - e) / (1 + e) with e = exp(-2a), where
 * e <= exp(-1.25) keeps 1 - e above 0.7, so the subtraction cancels few bits.
 */
const TANH_SMALL = 0.625;
const TANH_TAIL = [
  -0.33333292603492737, 0.13331541419029236, -0.05373862385749817, 0.020615996792912483,
  -0.005664775148034096,
];

/**
 * Coefficients 2/3, 2/5, 2/7, 2/9 of the series 2 atanh(s) = 2s + s (2/3 s^2 + 2/5 s^4 + ...).
 * With |s| <= 0.172 the first omitted term is below 1e-9 of the result.
 */
const LOG_SERIES = [2 / 3, 2 / 5, 2 / 7, 2 / 9];

const SQRT_HALF_BITS = 0x3f3504f3;
const ONE_BITS = 0x3f800000;
const MANTISSA_MASK = 0x007fffff;
const SMALLEST_NORMAL = 2 ** -126;
const SIGN_MASK = -0x80000000;

/** Emits Horner's rule for the polynomial with `coefficients` (lowest degree first) at `t`. */
function emitPolynomial(f: FunctionBuilder, t: number, coefficients: readonly number[]): Operand {
  const sum = f.local(V128);
  const last = coefficients.length - 1;
  f.set(sum, f.f32x4Const(coefficients[last]));
  for (let i = last - 1; i > 0; i--) {
    f.set(sum, f.f32x4Add(f.f32x4Mul(f.get(sum), f.get(t)), f.f32x4Const(coefficients[i])));
  }
  return f.f32x4Add(f.f32x4Mul(f.get(sum), f.get(t)), f.f32x4Const(coefficients[0]));
}

/**
 * Emits exp of local `x`. With n = round(x / ln 2) and r = x - n ln 2, e^x = e^r 2^n. The
 * scale 2^n is applied as two factors 2^(n >> 1) and 2^(n - (n >> 1)), each a normal float32,
 * so that a result in the subnormal range or past the float32 maximum is rounded once, by the
 * last multiplication, to the subnormal, zero or infinity that it should be.
 *
 * When `correction` is given, the result is exp of x + correction, for a correction small
 * beside ln(2) / 2 (the rounding error of x when x is a computed difference). It is added to
 * the reduced argument r, so it is not lost to the rounding of x + correction.
 */
export function emitExp(f: FunctionBuilder, x: number, correction?: number): Operand {
  const clamped = f.local(V128);
  const shifted = f.local(V128);
  const n = f.local(V128);
  const r = f.local(V128);
  const k = f.local(V128);
  const kHalf = f.local(V128);
  const poly = f.local(V128);
  const exponentBits = (exponent: () => Operand) =>
    f.i32x4Shl(f.i32x4Add(exponent(), f.i32x4Const(127)), f.i32(23));

  // pmax and pmin keep a NaN in their first operand, so NaN runs through to the result.
  f.set(
    clamped,
    f.f32x4Pmin(
      f.f32x4Pmax(f.get(x), f.f32x4Const(EXP_MIN_ARGUMENT)),
      f.f32x4Const(EXP_MAX_ARGUMENT),
    ),
  );
  // Adding ROUNDING_SHIFTER rounds x log2(e) to an integer n, held in the low mantissa bits.
  f.set(
    shifted,
    f.f32x4Add(f.f32x4Mul(f.get(clamped), f.f32x4Const(LOG2E)), f.f32x4Const(ROUNDING_SHIFTER)),
  );
  f.set(n, f.f32x4Sub(f.get(shifted), f.f32x4Const(ROUNDING_SHIFTER)));
  f.set(r, f.f32x4Sub(f.get(clamped), f.f32x4Mul(f.get(n), f.f32x4Const(LN2_HI))));
  f.set(r, f.f32x4Sub(f.get(r), f.f32x4Mul(f.get(n), f.f32x4Const(LN2_LO))));
  if (correction !== undefined) f.set(r, f.f32x4Add(f.get(r), f.get(correction)));

  // e^r = 1 + (r + r^2 q(r)).
  f.set(poly, emitPolynomial(f, r, EXP_TAIL));
  f.set(poly, f.f32x4Mul(f.f32x4Mul(f.get(r), f.get(r)), f.get(poly)));
  f.set(poly, f.f32x4Add(f.f32x4Const(1), f.f32x4Add(f.get(r), f.get(poly))));

  f.set(k, f.i32x4Sub(f.get(shifted), f.i32x4Const(ROUNDING_SHIFTER_BITS)));
  f.set(kHalf, f.i32x4ShrS(f.get(k), f.i32(1)));
  return f.f32x4Mul(
    f.f32x4Mul(
      f.get(poly),
      exponentBits(() => f.get(kHalf)),
    ),
    exponentBits(() => f.i32x4Sub(f.get(k), f.get(kHalf))),
  );
}

/**
 * Emits log of local `x`. With x = m 2^k and m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact) and
 * s = f / (2 + f), log(m) = f - (f^2/2 - s (f^2/2 + R(s^2))), where R is the atanh series
 * beyond its first term, and log(x) = k ln 2 + log(m). Subnormal x is scaled by 2^23 first.
 * log(±0) is -Infinity, log of a negative number or NaN is NaN, and log(Infinity) is Infinity.
 */
export function emitLog(f: FunctionBuilder, x: number): Operand {
  const subnormal = f.local(V128);
  const bits = f.local(V128);
  const k = f.local(V128);
  const kFloat = f.local(V128);
  const fraction = f.local(V128);
  const s = f.local(V128);
  const z = f.local(V128);
  const halfSquare = f.local(V128);
  const tail = f.local(V128);
  const result = f.local(V128);

  // Subnormals (and zeros and negatives, which are replaced at the end) are scaled by 2^23.
  f.set(subnormal, f.f32x4Lt(f.get(x), f.f32x4Const(SMALLEST_NORMAL)));
  f.set(
    bits,
    f.v128Bitselect(f.f32x4Mul(f.get(x), f.f32x4Const(2 ** 23)), f.get(x), f.get(subnormal)),
  );
  // Adding 1 - sqrt(1/2) in the bit pattern carries into the exponent exactly when the
  // mantissa is at least sqrt(2), which moves m into [sqrt(1/2), sqrt(2)).
  f.set(bits, f.i32x4Add(f.get(bits), f.i32x4Const(ONE_BITS - SQRT_HALF_BITS)));
  f.set(
    k,
    f.i32x4Sub(
      f.i32x4ShrS(f.get(bits), f.i32(23)),
      f.v128Bitselect(f.i32x4Const(127 + 23), f.i32x4Const(127), f.get(subnormal)),
    ),
  );
  // fraction = m - 1, exact because m is within a factor of 2 of 1.
  f.set(
    fraction,
    f.f32x4Sub(
      f.i32x4Add(f.v128And(f.get(bits), f.i32x4Const(MANTISSA_MASK)), f.i32x4Const(SQRT_HALF_BITS)),
      f.f32x4Const(1),
    ),
  );
  f.set(s, f.f32x4Div(f.get(fraction), f.f32x4Add(f.f32x4Const(2), f.get(fraction))));
  f.set(z, f.f32x4Mul(f.get(s), f.get(s)));
  f.set(halfSquare, f.f32x4Mul(f.f32x4Mul(f.f32x4Const(0.5), f.get(fraction)), f.get(fraction)));
  f.set(tail, f.f32x4Mul(f.get(z), emitPolynomial(f, z, LOG_SERIES)));
  // log(m) = f - (halfSquare - s (halfSquare + tail)), to which k ln 2 is added in two parts.
  f.set(
    tail,
    f.f32x4Sub(f.get(halfSquare), f.f32x4Mul(f.get(s), f.f32x4Add(f.get(halfSquare), f.get(tail)))),
  );
  f.set(kFloat, f.f32x4ConvertI32x4S(f.get(k)));
  f.set(
    result,
    f.f32x4Add(
      f.f32x4Mul(f.get(kFloat), f.f32x4Const(LN2_HI)),
      f.f32x4Sub(
        f.get(fraction),
        f.f32x4Sub(f.get(tail), f.f32x4Mul(f.get(kFloat), f.f32x4Const(LN2_LO))),
      ),
    ),
  );

  // Special values: Infinity and NaN give themselves, ±0 gives -Infinity, negatives give NaN.
  f.set(
    result,
    f.v128Bitselect(
      f.get(result),
      f.get(x),
      f.f32x4Lt(f.get(x), f.f32x4Const(Number.POSITIVE_INFINITY)),
    ),
  );
  f.set(
    result,
    f.v128Bitselect(
      f.f32x4Const(Number.NEGATIVE_INFINITY),
      f.get(result),
      f.f32x4Eq(f.get(x), f.f32x4Const(0)),
    ),
  );
  return f.v128Bitselect(
    f.f32x4Const(Number.NaN),
    f.get(result),
    f.f32x4Lt(f.get(x), f.f32x4Const(0)),
  );
}

/**
 * Emits the logistic sigmoid of local `x` as JavaScript's loop computes it: with
 * e = exp(-|x|), 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, so exp never overflows.
 */
export function emitSigmoid(f: FunctionBuilder, x: number): Operand {
  const negativeAbs = f.local(V128);
  const e = f.local(V128);
  f.set(negativeAbs, f.f32x4Neg(f.f32x4Abs(f.get(x))));
  f.set(e, emitExp(f, negativeAbs));
  return f.f32x4Div(
    f.v128Bitselect(f.f32x4Const(1), f.get(e), f.f32x4Ge(f.get(x), f.f32x4Const(0))),
    f.f32x4Add(f.f32x4Const(1), f.get(e)),
  );
}

/**
 * Emits tanh of local `x`: an odd polynomial for |x| <= TANH_SMALL, (1 - e) / (1 + e) with
 * e = exp(-2|x|) above, and the sign of x copied onto the result (so tanh(-0) is -0).
 */
export function emitTanh(f: FunctionBuilder, x: number): Operand {
  const a = f.local(V128);
  const square = f.local(V128);
  const negativeTwice = f.local(V128);
  const e = f.local(V128);
  const small = f.local(V128);
  const large = f.local(V128);
  f.set(a, f.f32x4Abs(f.get(x)));

  f.set(square, f.f32x4Mul(f.get(a), f.get(a)));
  f.set(small, emitPolynomial(f, square, TANH_TAIL));
  f.set(small, f.f32x4Add(f.get(a), f.f32x4Mul(f.f32x4Mul(f.get(a), f.get(square)), f.get(small))));

  f.set(negativeTwice, f.f32x4Mul(f.get(a), f.f32x4Const(-2)));
  f.set(e, emitExp(f, negativeTwice));
  f.set(
    large,
    f.f32x4Div(f.f32x4Sub(f.f32x4Const(1), f.get(e)), f.f32x4Add(f.f32x4Const(1), f.get(e))),
  );

  // NaN fails the comparison and takes the large branch, which is NaN too.
  return f.v128Or(
    f.v128Bitselect(f.get(small), f.get(large), f.f32x4Le(f.get(a), f.f32x4Const(TANH_SMALL))),
    f.v128And(f.get(x), f.i32x4Const(SIGN_MASK)),
  );
}
