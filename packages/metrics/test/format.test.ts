import { describe, expect, it } from 'vitest';
import { alignRight, formatFixed } from '../src/format';

// Expected strings are what Python's format(value, '.Nf') prints: exact ties round to the even
// last digit, and everything else rounds the exact binary value to the nearest.
describe('formatFixed', () => {
  it('rounds exact ties to even', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(0.625, 2)).toBe('0.62');
    expect(formatFixed(0.0625, 3)).toBe('0.062');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(1.5, 0)).toBe('2');
    expect(formatFixed(9.5, 0)).toBe('10');
  });

  it('rounds values just off a tie to the nearest', () => {
    // 2.675 and 1.005 are stored slightly below the decimal value.
    expect(formatFixed(2.675, 2)).toBe('2.67');
    expect(formatFixed(1.005, 2)).toBe('1.00');
    expect(formatFixed(5 / 6, 2)).toBe('0.83');
    expect(formatFixed(2 / 3, 4)).toBe('0.6667');
  });

  it('keeps the sign of negative zero results', () => {
    expect(formatFixed(-0.5, 0)).toBe('-0');
    expect(formatFixed(-0.001, 2)).toBe('-0.00');
    expect(formatFixed(-0, 1)).toBe('-0.0');
  });

  it('prints non-finite values as Python does', () => {
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
    expect(formatFixed(Number.POSITIVE_INFINITY, 2)).toBe('inf');
    expect(formatFixed(Number.NEGATIVE_INFINITY, 2)).toBe('-inf');
  });

  it('handles subnormal values', () => {
    expect(formatFixed(5e-324, 2)).toBe('0.00');
  });
});

describe('alignRight', () => {
  it('pads to the width', () => {
    expect(alignRight('ab', 5)).toBe('   ab');
  });

  it('never truncates', () => {
    expect(alignRight('abcdef', 3)).toBe('abcdef');
  });

  it('counts code points', () => {
    expect(alignRight('🐈', 3)).toBe('  🐈');
  });
});
