import type { ConformanceCase, InputSpec } from '../types';
import { bool, float, INF, int32, NAN } from './build';

type Paddings = readonly (readonly [number, number])[];

function padCase(
  name: string,
  input: InputSpec,
  paddings: Paddings,
  value: number,
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return { id: `pad/${name}`, call: { name: 'pad', paddings, value }, inputs: [input], tags };
}

export const PAD_CASES: readonly ConformanceCase[] = [
  padCase(
    'both-sides',
    float([3, 4]),
    [
      [1, 2],
      [0, 3],
    ],
    0,
    [],
  ),
  padCase(
    'value',
    float([2, 3]),
    [
      [2, 0],
      [1, 1],
    ],
    -1.5,
    [],
  ),
  padCase(
    'rank3',
    float([2, 3, 2]),
    [
      [0, 1],
      [2, 0],
      [1, 1],
    ],
    0,
    [],
  ),
  padCase(
    'no-padding',
    float([3, 3]),
    [
      [0, 0],
      [0, 0],
    ],
    0,
    [],
  ),
  padCase('scalar', float([]), [], 2, ['size1']),
  padCase(
    'odd',
    float([5, 7]),
    [
      [3, 1],
      [2, 5],
    ],
    0.5,
    ['odd'],
  ),
  padCase(
    'int32',
    int32([2, 3]),
    [
      [1, 1],
      [0, 2],
    ],
    7,
    ['int'],
  ),
  padCase(
    'bool',
    bool([2, 2]),
    [
      [1, 0],
      [0, 1],
    ],
    1,
    ['int'],
  ),
  // -Infinity is the padding value of max pooling.
  padCase(
    'negative-infinity',
    float([2, 3]),
    [
      [1, 1],
      [1, 1],
    ],
    -INF,
    ['nan-inf'],
  ),
  padCase(
    'nan',
    float([2, 2]),
    [
      [0, 1],
      [1, 0],
    ],
    NAN,
    ['nan-inf'],
  ),
  padCase(
    'empty-input',
    float([0, 2]),
    [
      [1, 1],
      [0, 0],
    ],
    3,
    ['empty'],
  ),
  padCase(
    'large',
    float([1000, 1000]),
    [
      [13, 12],
      [3, 18],
    ],
    -2,
    ['large', 'odd'],
  ),
];
