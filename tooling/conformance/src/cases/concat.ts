import type { ConformanceCase, InputSpec } from '../types';
import { bool, float, int32, SPECIAL_COUNT, SPECIALS } from './build';

function concatCase(
  name: string,
  inputs: InputSpec[],
  axis: number,
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return { id: `concat/${name}`, call: { name: 'concat', axis }, inputs, tags };
}

// A single input runs no kernel (the op returns a reshape), so every case joins two or more.
export const CONCAT_CASES: readonly ConformanceCase[] = [
  concatCase('axis0', [float([2, 3]), float([4, 3])], 0, []),
  concatCase('axis1-three-inputs', [float([3, 2]), float([3, 5]), float([3, 1])], 1, []),
  concatCase('middle-axis', [float([2, 3, 4]), float([2, 1, 4])], 1, []),
  concatCase('negative-axis', [float([2, 3, 2]), float([2, 3, 3])], -1, []),
  concatCase(
    'many-inputs',
    Array.from({ length: 7 }, () => float([1, 3])),
    0,
    ['odd'],
  ),
  concatCase('vectors', [float([1]), float([1])], 0, ['size1']),
  concatCase('with-empty', [float([2, 3]), float([0, 3]), float([1, 3])], 0, ['empty']),
  concatCase('int32', [int32([2, 2]), int32([2, 3])], 1, ['int']),
  concatCase('bool', [bool([1, 4]), bool([2, 4])], 0, ['int']),
  concatCase('special', [float([SPECIAL_COUNT, 1], SPECIALS), float([SPECIAL_COUNT, 2])], 1, [
    'nan-inf',
  ]),
  concatCase('large', [float([1025, 517]), float([1025, 514])], 1, ['large', 'odd']),
];
