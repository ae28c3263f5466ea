import type { ConformanceCase } from '../types';
import { INF, NAN } from './build';

function fillCase(
  name: string,
  shape: readonly number[],
  value: number,
  dtype: 'float' | 'int32' | 'bool',
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return { id: `fill/${name}`, call: { name: 'fill', shape, value, dtype }, inputs: [], tags };
}

export const FILL_CASES: readonly ConformanceCase[] = [
  fillCase('float', [3, 4], 2.5, 'float', []),
  fillCase('float-negative-zero', [5], -0, 'float', ['nan-inf']),
  fillCase('nan', [2, 3], NAN, 'float', ['nan-inf']),
  fillCase('negative-infinity', [4], -INF, 'float', ['nan-inf']),
  fillCase('int32', [5], 7, 'int32', ['int']),
  // A fill value converts as a cast does: toward zero for int32, nonzero is true for bool.
  fillCase('int32-truncates', [3], -3.7, 'int32', ['int']),
  fillCase('bool', [2, 3], 1, 'bool', ['int']),
  fillCase('bool-from-fraction', [3], 0.5, 'bool', ['int']),
  fillCase('empty', [0, 3], 1.5, 'float', ['empty']),
  fillCase('scalar', [], -4, 'float', ['size1']),
  fillCase('large', [1025, 1031], 0.25, 'float', ['large', 'odd']),
];
