import type { ReduceOp } from '@tessera/tensor';
import { accumulationTolerance } from '../compare';
import { REDUCE_OPS } from '../ops';
import type { ConformanceCase, Generator, InputSpec, Tolerances } from '../types';
import { bool, float, INF, int32, NAN, SPECIAL_COUNT, SPECIALS, values } from './build';

/**
 * Inputs for each op: products stay near 1 in magnitude and away from 0, and max/min get
 * values without ties, so every gradient is defined.
 */
const DOMAIN: Record<ReduceOp, Generator> = {
  sum: { kind: 'uniform' },
  prod: { kind: 'nonzero', min: 0.5, max: 1.5 },
  max: { kind: 'distinct' },
  min: { kind: 'distinct' },
};

function reduceCase(
  op: ReduceOp,
  name: string,
  input: InputSpec,
  reduction: { axes?: readonly number[]; keepDims?: boolean },
  tags: ConformanceCase['tags'],
  tolerance?: Tolerances,
): ConformanceCase {
  return {
    id: `reduce/${op}-${name}`,
    call: { name: 'reduce', op, ...reduction },
    inputs: [input],
    tags,
    ...(tolerance === undefined ? {} : { tolerance }),
  };
}

/** For every op: each axis pattern, ints, bools and special values. */
function perOpCases(op: ReduceOp): ConformanceCase[] {
  const x = (shape: readonly number[]) => float(shape, DOMAIN[op]);
  return [
    reduceCase(op, 'all', x([3, 4, 5]), {}, []),
    reduceCase(op, 'axis0', x([3, 4, 5]), { axes: [0] }, []),
    reduceCase(op, 'middle-axis', x([3, 4, 5]), { axes: [1] }, []),
    reduceCase(op, 'last-axis-keep-dims', x([3, 4, 5]), { axes: [2], keepDims: true }, []),
    reduceCase(op, 'outer-axes', x([3, 4, 5]), { axes: [0, 2] }, []),
    reduceCase(op, 'negative-axis', x([4, 6]), { axes: [-1] }, []),
    reduceCase(op, 'size1-axis', x([4, 1, 3]), { axes: [1] }, ['size1']),
    reduceCase(op, 'scalar', x([]), {}, ['size1']),
    reduceCase(op, 'odd', x([7, 13, 5]), { axes: [0, 2] }, ['odd']),
    reduceCase(op, 'int32', int32([4, 6]), { axes: [1] }, ['int']),
    reduceCase(op, 'bool', bool([4, 6]), { axes: [0] }, ['int']),
    reduceCase(op, 'special', float([2, SPECIAL_COUNT], SPECIALS), { axes: [1] }, ['nan-inf']),
  ];
}

const EXACT: Tolerances = { float32: { atol: 0, rtol: 0 }, float64: { atol: 0, rtol: 0 } };

/** Multiples of 1/16 in [-1, 1): their partial sums are exact in float32 in any order. */
const DYADIC: Generator = { kind: 'dyadic' };

const edgeCases: ConformanceCase[] = [
  // An empty reduction gives the identity; max and min of nothing are errors in the op.
  reduceCase('sum', 'empty-axis', float([3, 0]), { axes: [1] }, ['empty']),
  reduceCase('prod', 'empty-axis', float([3, 0]), { axes: [1] }, ['empty']),
  reduceCase('sum', 'empty-all', float([0]), {}, ['empty']),
  reduceCase('sum', 'empty-outer', float([0, 4]), { axes: [1] }, ['empty']),
  reduceCase('prod', 'int32-empty-axis', int32([2, 0]), { axes: [1] }, ['empty', 'int']),
  reduceCase('sum', 'int32-wraps', values([4], 'int32', [2147483647, 1, 2147483647, 2]), {}, [
    'int',
  ]),
  reduceCase(
    'prod',
    'int32-wraps',
    values([2, 3], 'int32', [65536, 65536, 3, 46341, 46341, -1]),
    { axes: [1] },
    ['int'],
  ),
  reduceCase(
    'max',
    'nan-first',
    values([2, 3], 'float', [NAN, 1, 2, -INF, NAN, INF]),
    { axes: [1] },
    ['nan-inf'],
  ),
  reduceCase('sum', 'opposite-infinities', values([3], 'float', [INF, -INF, 1]), {}, ['nan-inf']),
  {
    ...reduceCase('max', 'ties', values([2, 3], 'float', [1, 3, 3, 2, -1, 2]), { axes: [1] }, []),
    noGradient: 'the gradient splits evenly among tied maxima, which finite differences cannot see',
  },
];

const largeCases: ConformanceCase[] = [
  reduceCase('sum', 'large', float([1 << 20]), {}, ['large'], accumulationTolerance(1 << 20)),
  reduceCase('sum', 'large-dyadic-exact', float([1_048_583], DYADIC), {}, ['large', 'odd'], EXACT),
  reduceCase(
    'sum',
    'large-columns-dyadic-exact',
    float([1024, 1031], DYADIC),
    { axes: [0] },
    ['large', 'odd'],
    EXACT,
  ),
  reduceCase('max', 'large', float([1_000_003]), {}, ['large', 'odd']),
  reduceCase('min', 'large-rows', float([1031, 1025]), { axes: [1] }, ['large', 'odd']),
  reduceCase(
    'sum',
    'int32-large',
    int32([1_000_000], { kind: 'integers', low: -1000, high: 1000 }),
    {},
    ['large', 'int'],
  ),
];

export const REDUCE_CASES: readonly ConformanceCase[] = [
  ...REDUCE_OPS.flatMap(perOpCases),
  ...edgeCases,
  ...largeCases,
];
