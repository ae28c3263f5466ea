import type { ConformanceCase, InputSpec } from '../types';
import { bool, float, int32, SPECIAL_COUNT, SPECIALS } from './build';

function sliceCase(
  name: string,
  input: InputSpec,
  begin: readonly number[],
  size: readonly number[] | undefined,
  tags: ConformanceCase['tags'],
): ConformanceCase {
  const call = size === undefined ? { name: 'slice', begin } : { name: 'slice', begin, size };
  return { id: `slice/${name}`, call: call as ConformanceCase['call'], inputs: [input], tags };
}

export const SLICE_CASES: readonly ConformanceCase[] = [
  sliceCase('box', float([5, 6]), [1, 2], [3, 3], []),
  sliceCase('to-end', float([4, 5, 6]), [1, 0, 3], undefined, []),
  sliceCase('negative-begin', float([6, 4]), [-3, 1], [2, -1], []),
  sliceCase('leading-axes-only', float([4, 3, 2]), [2], [1], []),
  sliceCase('single-element', float([5, 5]), [2, 2], [1, 1], ['size1']),
  sliceCase('odd-rank4', float([3, 5, 7, 2]), [1, 1, 2, 0], [2, 3, 4, 2], ['odd']),
  sliceCase('int32', int32([4, 5]), [1, 1], [2, 3], ['int']),
  sliceCase('bool', bool([4, 5]), [0, 2], [4, 2], ['int']),
  sliceCase('empty-result', float([4, 5]), [1, 0], [0, 5], ['empty']),
  sliceCase('special', float([2, SPECIAL_COUNT], SPECIALS), [0, 3], [2, 9], ['nan-inf']),
  sliceCase('large', float([1031, 1025]), [3, 5], [1000, 1001], ['large', 'odd']),
];
