import { describe, expect, it } from 'vitest';
import {
  broadcastShapes,
  normalizeAxes,
  normalizeAxis,
  ShapeError,
  sizeOf,
  stridesOf,
} from '../src/index';

describe('broadcastShapes', () => {
  it('aligns trailing axes', () => {
    expect(broadcastShapes('add', [2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes('add', [], [5])).toEqual([5]);
    expect(broadcastShapes('add', [0, 3], [1, 3])).toEqual([0, 3]);
  });

  it('names the op and both shapes on a mismatch', () => {
    expect(() => broadcastShapes('add', [2, 3], [4])).toThrow(ShapeError);
    expect(() => broadcastShapes('add', [2, 3], [4])).toThrow(
      'add: shapes [2,3] and [4] cannot be broadcast together',
    );
  });
});

describe('axes', () => {
  it('resolves negative axes', () => {
    expect(normalizeAxis('sum', -1, 3)).toBe(2);
    expect(normalizeAxis('argmax', -1, 0)).toBe(0);
    expect(normalizeAxes('sum', [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes('sum', undefined, 2)).toEqual([0, 1]);
  });

  it('rejects out-of-range and repeated axes', () => {
    expect(() => normalizeAxis('sum', 3, 3)).toThrow(
      'sum: axis 3 is out of range for a tensor of rank 3',
    );
    expect(() => normalizeAxes('sum', [1, -1], 2)).toThrow(/repeated axis/);
  });
});

describe('sizes and strides', () => {
  it('computes row-major strides', () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(sizeOf([2, 0, 4])).toBe(0);
    expect(sizeOf([])).toBe(1);
  });
});
