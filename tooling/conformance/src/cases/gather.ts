import type { ConformanceCase, InputSpec } from '../types';
import { bool, float, int32, SPECIAL_COUNT, SPECIALS, values } from './build';

function gatherCase(
  name: string,
  x: InputSpec,
  indices: InputSpec,
  axis: number,
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return { id: `gather/${name}`, call: { name: 'gather', axis }, inputs: [x, indices], tags };
}

// Repeated indices appear in most cases: the gradient of gather adds them up (ScatterAdd).
export const GATHER_CASES: readonly ConformanceCase[] = [
  gatherCase('axis0', float([5, 3]), values([4], 'int32', [4, 0, 2, 2]), 0, []),
  gatherCase('axis1', float([3, 6]), values([2, 2], 'int32', [5, 0, 0, 3]), 1, []),
  gatherCase('middle-axis', float([2, 5, 3]), values([3], 'int32', [1, 4, 1]), 1, []),
  gatherCase('last-axis', float([2, 3, 4]), values([2, 3], 'int32', [3, 0, 1, 1, 2, 3]), 2, []),
  gatherCase('scalar-index', float([4, 3]), values([], 'int32', [2]), 0, ['size1']),
  gatherCase('odd', float([7, 13]), int32([5], { kind: 'integers', low: 0, high: 12 }), 1, ['odd']),
  gatherCase('empty-indices', float([4, 3]), values([0], 'int32', []), 0, ['empty']),
  gatherCase('int32', int32([5, 2]), values([3], 'int32', [4, 4, 1]), 0, ['int']),
  gatherCase('bool', bool([3, 4]), values([2], 'int32', [3, 0]), 1, ['int']),
  gatherCase(
    'special',
    float([SPECIAL_COUNT, 2], SPECIALS),
    values([4], 'int32', [0, 4, 1, 2]),
    0,
    ['nan-inf'],
  ),
  gatherCase(
    'large',
    float([1031, 257]),
    int32([2049], { kind: 'integers', low: 0, high: 1030 }),
    0,
    ['large', 'odd'],
  ),
];
