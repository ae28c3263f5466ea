import { snippet } from './snippets';

/**
 * Reduction of float32 angles of 2^24 and more to quarter turns, exactly (Payne-Hanek).
 *
 * Such an x is M * 2^E with a 24-bit integer M and E >= 1. Bits of 2/pi worth 4 or more after
 * multiplying by 2^E only add multiples of 4 quarter turns. So x * 2/pi mod 4 needs just the 96
 * bits of 2/pi from position E - 1 on. M times that window is a 120-bit integer: its bits 94 and
 * 95 are the quadrant, and the 64 bits below them the fraction of a quarter turn. The products
 * are done in 32-bit words, since WGSL has no 64-bit integers.
 */
export const LARGE_ANGLE_REDUCTION = snippet(
  'largeAngleReduction',
  `
// The binary digits of 2/pi after a leading 0 bit, 32 per word, most significant first.
var<private> TWO_OVER_PI_BITS: array<u32, 8> = array<u32, 8>(
  0x517cc1b7u, 0x27220a94u, 0xfe13abe8u, 0xfa9a6ee0u,
  0x6db14accu, 0x9e21c820u, 0xff28b1d5u, 0xef5de2b0u,
);

// The 64-bit product of a and b as (low word, high word), from four 16-bit products.
fn mulWideU32(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let middle = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let low = (middle << 16u) | (p00 & 0xffffu);
  let high = a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (middle >> 16u);
  return vec2<u32>(low, high);
}

// 32 bits of 2/pi starting at bit 32 * word + shift of TWO_OVER_PI_BITS.
fn twoOverPiWord(word: u32, shift: u32) -> u32 {
  // WGSL takes shift amounts modulo 32, so a shift of 0 cannot use the general form.
  if (shift == 0u) { return TWO_OVER_PI_BITS[word]; }
  return (TWO_OVER_PI_BITS[word] << shift) | (TWO_OVER_PI_BITS[word + 1u] >> (32u - shift));
}

struct QuarterTurns {
  quadrant: i32,
  remainder: f32,
}

// ax = q * pi/2 + remainder with |remainder| <= pi/4, for finite ax >= 2^24.
fn reduceLargeF32(ax: f32) -> QuarterTurns {
  let bits = bitcast<u32>(ax);
  let mantissa = (bits & 0x7fffffu) | 0x800000u;
  // E - 1, where E = exponent - 150 is the power of two of the mantissa's last bit.
  let start = ((bits >> 23u) & 0xffu) - 151u;
  let word = start >> 5u;
  let shift = start & 31u;
  let low = mulWideU32(mantissa, twoOverPiWord(word + 2u, shift));
  let middle = mulWideU32(mantissa, twoOverPiWord(word + 1u, shift));
  let high = mulWideU32(mantissa, twoOverPiWord(word, shift));
  // Words 1 and 2 of the 128-bit sum (word 3 lies above the quadrant and is not needed).
  let p0 = low.x;
  let p1 = low.y + middle.x;
  let carry1 = select(0u, 1u, p1 < low.y);
  let p2 = middle.y + high.x + carry1;
  var quadrant = i32(p2 >> 30u);
  let fractionHigh = (p2 << 2u) | (p1 >> 30u);
  let fractionLow = (p1 << 2u) | (p0 >> 30u);
  var fraction = f32(fractionHigh) * 2.3283064e-10 + f32(fractionLow) * 5.421011e-20;
  // Round to the nearest quarter turn, so the remainder lies in [-pi/4, pi/4].
  if (fractionHigh >= 0x80000000u) {
    quadrant = quadrant + 1;
    fraction = fraction - 1.0;
  }
  return QuarterTurns(quadrant, fraction * 1.5707964);
}
`,
);
