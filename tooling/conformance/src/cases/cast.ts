import type { DType } from '@tessera/tensor';
import { DTYPE_LIST } from '../ops';
import type { ConformanceCase, InputSpec } from '../types';
import { bool, float, INF, NAN, SPECIAL_COUNT, SPECIALS, values } from './build';

// Floats that stay inside int32 when truncated: the contract leaves the int32 conversion of
// NaN, infinities and out-of-range values unspecified, so no case sends them there.
const FLOATS = [-2.7, -1, -0.5, -0, 0, 0.3, 1, 2.5, 1000000.5, -123456.75, 16777217, 3.25];
const INTS = [-2147483648, 2147483647, -1, 0, 1, 16777217, 123456789, -7];

function sourceOf(dtype: DType): InputSpec {
  if (dtype === 'bool') return bool([2, 5]);
  if (dtype === 'int32') return values([INTS.length], dtype, INTS);
  return values([FLOATS.length], dtype, FLOATS);
}

/** Every ordered pair of distinct dtypes (casting to the same dtype runs no kernel). */
const pairCases: ConformanceCase[] = DTYPE_LIST.flatMap((from) =>
  DTYPE_LIST.filter((to) => to !== from).map(
    (to): ConformanceCase => ({
      id: `cast/${from}-to-${to}`,
      call: { name: 'cast', dtype: to },
      inputs: [sourceOf(from)],
      tags: from === 'int32' || from === 'bool' || to === 'int32' || to === 'bool' ? ['int'] : [],
    }),
  ),
);

const specialCases: ConformanceCase[] = [
  {
    id: 'cast/float-special-to-bool',
    call: { name: 'cast', dtype: 'bool' },
    inputs: [float([SPECIAL_COUNT], SPECIALS)],
    tags: ['nan-inf', 'int'],
  },
  {
    id: 'cast/float64-to-float32-overflow',
    call: { name: 'cast', dtype: 'float32' },
    inputs: [values([7], 'float64', [1e300, -1e300, 1e-300, -1e-300, NAN, INF, 3.4028235e38])],
    tags: ['nan-inf'],
  },
  {
    id: 'cast/float32-special-to-float64',
    call: { name: 'cast', dtype: 'float64' },
    inputs: [{ shape: [SPECIAL_COUNT], dtype: 'float32', generator: SPECIALS }],
    tags: ['nan-inf'],
  },
  {
    id: 'cast/float-scalar-to-int32',
    call: { name: 'cast', dtype: 'int32' },
    inputs: [values([], 'float', [-7.9])],
    tags: ['size1', 'int'],
  },
  {
    id: 'cast/float-large-to-int32',
    call: { name: 'cast', dtype: 'int32' },
    inputs: [float([1_000_003], { kind: 'uniform', low: -1000, high: 1000 })],
    tags: ['large', 'odd', 'int'],
  },
  {
    id: 'cast/float-empty-to-int32',
    call: { name: 'cast', dtype: 'int32' },
    inputs: [float([0, 4])],
    tags: ['empty', 'int'],
  },
];

export const CAST_CASES: readonly ConformanceCase[] = [...pairCases, ...specialCases];
