import { accumulationTolerance } from '../compare';
import type { ConformanceCase, InputSpec, Tolerances } from '../types';
import { float, INF, int32, values } from './build';

function scatterCase(
  name: string,
  updates: InputSpec,
  indices: InputSpec,
  axis: number,
  shape: readonly number[],
  tags: ConformanceCase['tags'],
  tolerance?: Tolerances,
): ConformanceCase {
  return {
    id: `scatterAdd/${name}`,
    call: { name: 'scatterAdd', axis, shape },
    inputs: [updates, indices],
    tags,
    ...(tolerance === undefined ? {} : { tolerance }),
  };
}

const MAX_INT32 = 2147483647;
const CONTENDED = 100_000;

export const SCATTER_ADD_CASES: readonly ConformanceCase[] = [
  scatterCase('repeated', float([6, 3]), values([6], 'int32', [0, 2, 0, 4, 2, 0]), 0, [5, 3], []),
  scatterCase(
    'middle-axis',
    float([2, 4, 3]),
    values([4], 'int32', [1, 1, 3, 0]),
    1,
    [2, 5, 3],
    [],
  ),
  scatterCase('last-axis', float([3, 5]), values([5], 'int32', [0, 1, 1, 0, 3]), 1, [3, 4], []),
  scatterCase(
    '2d-indices',
    float([2, 3, 3]),
    values([2, 3], 'int32', [0, 1, 1, 3, 3, 3]),
    0,
    [4, 3],
    [],
  ),
  scatterCase('scalar-index', float([3]), values([], 'int32', [1]), 0, [2, 3], ['size1']),
  scatterCase(
    'odd',
    float([7, 5]),
    int32([7], { kind: 'integers', low: 0, high: 10 }),
    0,
    [11, 5],
    ['odd'],
  ),
  scatterCase('empty-indices', float([0, 3]), values([0], 'int32', []), 0, [4, 3], ['empty']),
  scatterCase('int32', int32([5, 2]), values([5], 'int32', [1, 1, 0, 1, 3]), 0, [4, 2], ['int']),
  scatterCase(
    'int32-wraps',
    values([3], 'int32', [MAX_INT32, 1, 5]),
    values([3], 'int32', [0, 0, 1]),
    0,
    [2],
    ['int'],
  ),
  scatterCase(
    'opposite-infinities',
    values([3], 'float', [INF, -INF, 1]),
    values([3], 'int32', [0, 0, 1]),
    0,
    [2],
    ['nan-inf'],
  ),
  // Many updates on few rows: about 10 000 per element, which stresses GPU atomics.
  scatterCase(
    'contended',
    float([CONTENDED, 3]),
    int32([CONTENDED], { kind: 'integers', low: 0, high: 9 }),
    0,
    [10, 3],
    ['large'],
    accumulationTolerance(CONTENDED / 10),
  ),
  scatterCase(
    'int32-contended',
    int32([CONTENDED, 3]),
    int32([CONTENDED], { kind: 'integers', low: 0, high: 9 }),
    0,
    [10, 3],
    ['large', 'int'],
  ),
];
