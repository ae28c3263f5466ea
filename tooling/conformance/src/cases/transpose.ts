import type { ConformanceCase, InputSpec } from '../types';
import { bool, float, int32, SPECIAL_COUNT, SPECIALS } from './build';

function transposeCase(
  name: string,
  input: InputSpec,
  perm: readonly number[],
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return { id: `transpose/${name}`, call: { name: 'transpose', perm }, inputs: [input], tags };
}

// The identity permutation runs no kernel (the op returns a reshape), so no case uses it.
export const TRANSPOSE_CASES: readonly ConformanceCase[] = [
  transposeCase('matrix', float([3, 5]), [1, 0], []),
  transposeCase('rank3', float([2, 3, 4]), [2, 0, 1], []),
  transposeCase('rank4', float([2, 3, 4, 5]), [3, 1, 0, 2], []),
  transposeCase('swap-last-two', float([2, 3, 4]), [0, 2, 1], []),
  transposeCase('size1-axes', float([1, 4, 1, 3]), [3, 2, 1, 0], ['size1']),
  transposeCase('odd', float([7, 13, 3]), [1, 2, 0], ['odd']),
  transposeCase('int32', int32([3, 4]), [1, 0], ['int']),
  transposeCase('bool', bool([2, 3, 2]), [2, 1, 0], ['int']),
  transposeCase('empty', float([0, 3]), [1, 0], ['empty']),
  transposeCase('special', float([2, SPECIAL_COUNT], SPECIALS), [1, 0], ['nan-inf']),
  transposeCase('large', float([515, 1029]), [1, 0], ['large', 'odd']),
];
