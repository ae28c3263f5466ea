import type { ArgReduceOp } from '@tessera/tensor';
import { ARG_REDUCE_OPS } from '../ops';
import type { ConformanceCase, InputSpec } from '../types';
import { bool, float, INF, int32, NAN, values } from './build';

function argCase(
  op: ArgReduceOp,
  name: string,
  input: InputSpec,
  axis: number,
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return {
    id: `argReduce/${op}-${name}`,
    call: { name: 'argReduce', op, axis },
    inputs: [input],
    tags,
  };
}

/** For every op: each axis position, ties (the first index wins), NaN (the first NaN wins). */
function perOpCases(op: ArgReduceOp): ConformanceCase[] {
  return [
    argCase(op, 'last-axis', float([4, 7], { kind: 'distinct' }), -1, ['odd']),
    argCase(op, 'axis0', float([5, 3], { kind: 'distinct' }), 0, []),
    argCase(op, 'middle-axis', float([2, 5, 3], { kind: 'distinct' }), 1, []),
    argCase(op, 'ties', values([3, 4], 'float', [1, 5, 5, 2, -3, -3, 0, -3, -0, 0, 0, -0]), 1, []),
    argCase(op, 'nan', values([2, 4], 'float', [1, NAN, 3, NAN, 2, 1, 0, NAN]), 1, ['nan-inf']),
    argCase(op, 'infinities', values([2, 3], 'float', [INF, -INF, 1, -INF, 2, INF]), 1, [
      'nan-inf',
    ]),
    argCase(op, 'int32', int32([3, 6], { kind: 'integers', low: 0, high: 3 }), 1, ['int']),
    argCase(op, 'bool', bool([4, 5]), 1, ['int']),
    argCase(op, 'size1-axis', float([3, 1]), 1, ['size1']),
    argCase(op, 'empty-outer', float([0, 4]), 1, ['empty']),
    argCase(op, 'large-rows', float([1000, 1001]), 1, ['large', 'odd']),
    argCase(op, 'large-columns', float([1001, 1000]), 0, ['large', 'odd']),
  ];
}

export const ARG_REDUCE_CASES: readonly ConformanceCase[] = ARG_REDUCE_OPS.flatMap(perOpCases);
