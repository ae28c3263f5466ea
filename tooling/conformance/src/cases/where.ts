import type { ConformanceCase, InputSpec } from '../types';
import { bool, float, INF, int32, NAN, values } from './build';

function whereCase(
  name: string,
  inputs: [condition: InputSpec, a: InputSpec, b: InputSpec],
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return { id: `where/${name}`, call: { name: 'where' }, inputs, tags };
}

export const WHERE_CASES: readonly ConformanceCase[] = [
  whereCase('same-shape', [bool([3, 4]), float([3, 4]), float([3, 4])], []),
  whereCase('broadcast', [bool([3, 1]), float([1, 4]), float([])], ['broadcast']),
  whereCase('broadcast-condition', [bool([4]), float([2, 3, 4]), float([2, 3, 1])], ['broadcast']),
  whereCase('scalars', [bool([]), float([]), float([])], ['size1']),
  whereCase('odd', [bool([7, 1]), float([7, 13]), float([13])], ['broadcast', 'odd']),
  whereCase('int32', [bool([2, 5]), int32([2, 5]), int32([2, 5])], ['int']),
  whereCase('bool', [bool([2, 5]), bool([2, 5]), bool([5])], ['int', 'broadcast']),
  whereCase('int32-and-float', [bool([2, 3]), int32([2, 3]), float([2, 3])], ['int']),
  whereCase('empty', [bool([0, 3]), float([0, 3]), float([3])], ['empty', 'broadcast']),
  // The branch that is not picked must not leak into the result, NaN included.
  whereCase(
    'unpicked-nan',
    [
      values([4], 'bool', [1, 0, 1, 0]),
      values([4], 'float', [1, NAN, INF, NAN]),
      values([4], 'float', [NAN, 2, NAN, -INF]),
    ],
    ['nan-inf'],
  ),
  whereCase(
    'large',
    [bool([1025, 1]), float([1025, 1031]), float([1031])],
    ['large', 'broadcast', 'odd'],
  ),
];
