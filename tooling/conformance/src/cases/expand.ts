import type { ConformanceCase, InputSpec } from '../types';
import { bool, float, int32, SPECIAL_COUNT, SPECIALS } from './build';

function expandCase(
  name: string,
  input: InputSpec,
  shape: readonly number[],
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return { id: `expand/${name}`, call: { name: 'expand', shape }, inputs: [input], tags };
}

export const EXPAND_CASES: readonly ConformanceCase[] = [
  expandCase('row', float([1, 5]), [4, 5], ['broadcast']),
  expandCase('column', float([3, 1]), [3, 4], ['broadcast']),
  expandCase('new-leading-axes', float([5]), [2, 3, 5], ['broadcast']),
  expandCase('middle-axis', float([2, 1, 3]), [2, 4, 3], ['broadcast']),
  expandCase('scalar', float([]), [2, 3], ['broadcast', 'size1']),
  expandCase('odd', float([7, 1, 1]), [7, 13, 3], ['broadcast', 'odd']),
  expandCase('int32', int32([3, 1]), [3, 5], ['broadcast', 'int']),
  expandCase('bool', bool([1, 4]), [3, 4], ['broadcast', 'int']),
  expandCase('to-empty', float([1, 3]), [0, 3], ['broadcast', 'empty']),
  expandCase(
    'special',
    float([SPECIAL_COUNT, 1], SPECIALS),
    [SPECIAL_COUNT, 3],
    ['broadcast', 'nan-inf'],
  ),
  expandCase('large', float([1, 1031]), [1025, 1031], ['broadcast', 'large', 'odd']),
];
