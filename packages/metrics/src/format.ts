/**
 * Number and text formatting that reproduces Python's `str.format`, so that the classification
 * report matches scikit-learn's character for character.
 */

/**
 * Formats `value` as Python's `format(value, '.{digits}f')` does.
 *
 * `Number.prototype.toFixed` rounds correctly except on exact ties, where it takes the larger
 * magnitude; Python rounds ties to the even last digit (`format(0.125, '.2f')` is `'0.12'`).
 * Non-finite values print as Python prints them (`nan`, `inf`, `-inf`).
 */
export function formatFixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';

  let text = Math.abs(value).toFixed(digits);
  if (isExactTie(Math.abs(value), digits)) {
    // On a tie toFixed picked the larger candidate. When its last digit is odd, the even
    // candidate is one unit lower in the last place, and an odd digit is at least 1, so
    // lowering it never borrows from the digit before.
    const lastDigit = Number(text[text.length - 1]);
    if (lastDigit % 2 === 1) text = text.slice(0, -1) + String(lastDigit - 1);
  }

  // Python keeps the sign of negative values that round to zero, and of -0.
  const negative = value < 0 || Object.is(value, -0);
  return negative ? `-${text}` : text;
}

/**
 * Returns whether `value * 10^digits` lies exactly halfway between two integers. The test is exact:
 * a double is `mantissa * 2^exponent`, so the check runs on BigInt integers.
 */
function isExactTie(value: number, digits: number): boolean {
  const { mantissa, exponent } = decomposeDouble(value);
  if (mantissa === 0n || exponent >= 0) return false;

  const numerator = mantissa * 10n ** BigInt(digits);
  const denominator = 1n << BigInt(-exponent);
  return 2n * (numerator % denominator) === denominator;
}

/** Splits a finite, non-negative double into an integer mantissa and a power-of-two exponent. */
function decomposeDouble(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biasedExponent === 0) {
    // Subnormal numbers have no implicit leading bit.
    return { mantissa: fraction, exponent: -1074 };
  }
  return { mantissa: fraction | (1n << 52n), exponent: biasedExponent - 1075 };
}

/**
 * Pads `text` on the left to `width` characters, as Python's `'{:>{width}}'` does. Width is
 * counted in Unicode code points, as Python counts `len(str)`, not in UTF-16 units.
 */
export function alignRight(text: string, width: number): string {
  const padding = width - codePointLength(text);
  return padding > 0 ? ' '.repeat(padding) + text : text;
}

/** Returns the length of `text` in Unicode code points, which is Python's `len` of it. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
