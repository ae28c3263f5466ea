import { accumulationTolerance } from '../compare';
import type { ConformanceCase, InputSpec, Tolerances } from '../types';
import { float, INF, int32, NAN, values } from './build';

function matmulCase(
  name: string,
  a: InputSpec,
  b: InputSpec,
  flags: { transposeA?: boolean; transposeB?: boolean },
  tags: ConformanceCase['tags'],
  tolerance?: Tolerances,
): ConformanceCase {
  return {
    id: `matmul/${name}`,
    call: { name: 'matmul', ...flags },
    inputs: [a, b],
    tags,
    ...(tolerance === undefined ? {} : { tolerance }),
  };
}

const A = { transposeA: true };
const B = { transposeB: true };
const AB = { transposeA: true, transposeB: true };

const plainCases: ConformanceCase[] = [
  matmulCase('basic', float([3, 4]), float([4, 5]), {}, []),
  matmulCase('transpose-a', float([4, 3]), float([4, 5]), A, []),
  matmulCase('transpose-b', float([3, 4]), float([5, 4]), B, []),
  matmulCase('transpose-both', float([4, 3]), float([5, 4]), AB, []),
  matmulCase('batch', float([2, 3, 4]), float([2, 4, 5]), {}, []),
  matmulCase('batch-broadcast', float([2, 1, 3, 4]), float([3, 4, 5]), {}, ['broadcast']),
  matmulCase('batch-broadcast-transposed', float([3, 1, 4, 3]), float([2, 5, 4]), AB, [
    'broadcast',
  ]),
  matmulCase('batched-a-shared-b', float([4, 3, 6]), float([6, 2]), {}, ['broadcast']),
  matmulCase('shared-a-batched-b', float([3, 6]), float([4, 6, 2]), {}, ['broadcast']),
  matmulCase('vector-matrix', float([4]), float([4, 3]), {}, ['size1']),
  matmulCase('matrix-vector', float([3, 4]), float([4]), {}, ['size1']),
  matmulCase('vector-vector', float([5]), float([5]), {}, ['size1']),
  matmulCase('matrix-vector-transposed', float([4, 3]), float([4]), A, ['size1']),
  matmulCase('one-by-one', float([1, 1]), float([1, 1]), {}, ['size1']),
  matmulCase('outer-product', float([4, 1]), float([1, 3]), {}, ['size1']),
  matmulCase('odd', float([7, 13]), float([13, 5]), {}, ['odd']),
  matmulCase('odd-transposed', float([13, 7]), float([5, 13]), AB, ['odd']),
  matmulCase('empty-inner', float([3, 0]), float([0, 4]), {}, ['empty']),
  matmulCase('empty-rows', float([0, 5]), float([5, 2]), {}, ['empty']),
  matmulCase('empty-batch', float([0, 2, 3]), float([3, 4]), {}, ['empty', 'broadcast']),
];

const MAX_INT32 = 2147483647;

const dtypeCases: ConformanceCase[] = [
  matmulCase('int32', int32([3, 4]), int32([4, 5]), {}, ['int']),
  matmulCase('int32-transposed', int32([4, 3]), int32([5, 4]), AB, ['int']),
  matmulCase(
    'int32-wraps',
    values([2, 2], 'int32', [50000, 50000, MAX_INT32, 1]),
    values([2, 2], 'int32', [50000, 1, 1, 1]),
    {},
    ['int'],
  ),
  matmulCase('int32-by-float', int32([3, 4]), float([4, 2]), {}, ['int']),
  // inf * 0 is NaN, so a row holding an infinity must not skip zeros of the other operand.
  matmulCase(
    'special',
    values([2, 3], 'float', [INF, 1, 2, NAN, 0, 1]),
    values([3, 2], 'float', [0, 1, 1, 1, -1, 2]),
    {},
    ['nan-inf'],
  ),
];

/** Multiples of 1/16 in [-1, 1): every product and partial sum below is exact in float32. */
const DYADIC = { kind: 'dyadic' } as const;
const EXACT: Tolerances = { float32: { atol: 0, rtol: 0 }, float64: { atol: 0, rtol: 0 } };

const largeCases: ConformanceCase[] = [
  matmulCase(
    'large-dyadic-exact',
    float([256, 512], DYADIC),
    float([512, 128], DYADIC),
    {},
    ['large'],
    EXACT,
  ),
  matmulCase(
    'large-transposed',
    float([512, 256]),
    float([128, 512]),
    AB,
    ['large'],
    accumulationTolerance(512),
  ),
  matmulCase('block-edges', float([65, 257]), float([257, 9]), {}, ['large', 'odd']),
  matmulCase('batched-odd', float([3, 70, 33]), float([3, 33, 65]), {}, ['large', 'odd']),
];

export const MATMUL_CASES: readonly ConformanceCase[] = [
  ...plainCases,
  ...dtypeCases,
  ...largeCases,
];
