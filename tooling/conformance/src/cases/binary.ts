import type { BinaryOp } from '@tessera/tensor';
import { SPECIAL_VALUES } from '../generate';
import { BINARY_OPS } from '../ops';
import type { ConformanceCase, Generator, InputSpec } from '../types';
import { bool, float, INF, int32, NAN, values } from './build';

const COMPARISON_OR_LOGICAL = new Set<BinaryOp>([
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
  'logicalAnd',
  'logicalOr',
]);

/**
 * Returns generators for the two operands. Comparisons and logical ops get small integers, so
 * equal operands and zeros are common. div keeps the divisor away from 0 and pow keeps the
 * base positive, so gradients exist everywhere.
 */
function operands(op: BinaryOp): [Generator, Generator] {
  if (COMPARISON_OR_LOGICAL.has(op)) {
    const small: Generator = { kind: 'integers', low: -2, high: 2 };
    return [small, small];
  }
  if (op === 'div') return [{ kind: 'uniform' }, { kind: 'nonzero', min: 0.5, max: 2 }];
  if (op === 'pow') return [{ kind: 'positive' }, { kind: 'uniform', low: -2, high: 2 }];
  return [{ kind: 'uniform' }, { kind: 'uniform' }];
}

function binaryCase(
  op: BinaryOp,
  suffix: string,
  inputs: InputSpec[],
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return { id: `binary/${op}${suffix}`, call: { name: 'binary', op }, inputs, tags };
}

/** For every op: equal shapes, broadcasting, a scalar operand, special values, ints, bools. */
function perOpCases(op: BinaryOp): ConformanceCase[] {
  const [a, b] = operands(op);
  // pow's bases ±1 have their own case, which JavaScript's ** gets wrong.
  const specials = op === 'pow' ? SPECIAL_VALUES.filter((v) => Math.abs(v) !== 1) : SPECIAL_VALUES;
  const special: Generator = { kind: 'values', values: specials };
  const intDivisor: Generator =
    op === 'pow' ? { kind: 'integers', low: -2, high: 3 } : { kind: 'integers', low: -5, high: 5 };
  return [
    binaryCase(op, '', [float([3, 5], a), float([3, 5], b)], ['odd']),
    binaryCase(op, '-broadcast', [float([4, 1, 5], a), float([3, 1], b)], ['broadcast']),
    binaryCase(op, '-scalar', [float([], a), float([2, 3], b)], ['broadcast', 'size1']),
    // Every special value against every other: a column against a row.
    binaryCase(
      op,
      '-special',
      [float([specials.length, 1], special), float([specials.length], special)],
      ['nan-inf', 'broadcast'],
    ),
    binaryCase(
      op,
      '-int32',
      [int32([3, 5], { kind: 'integers', low: -9, high: 9 }), int32([3, 5], intDivisor)],
      ['int'],
    ),
    binaryCase(op, '-bool', [bool([3, 5]), bool([3, 5])], ['int']),
    binaryCase(
      op,
      '-int32-and-float',
      [int32([3, 5], { kind: 'integers', low: 1, high: 3 }), float([5], b)],
      ['int', 'broadcast'],
    ),
  ];
}

const MAX_INT32 = 2147483647;
const MIN_INT32 = -2147483648;

const wrapCases: ConformanceCase[] = [
  {
    id: 'binary/add-int32-wraps',
    call: { name: 'binary', op: 'add' },
    inputs: [
      values([4], 'int32', [MAX_INT32, MIN_INT32, MAX_INT32, -5]),
      values([4], 'int32', [1, -1, MAX_INT32, 3]),
    ],
    tags: ['int'],
  },
  {
    id: 'binary/sub-int32-wraps',
    call: { name: 'binary', op: 'sub' },
    inputs: [
      values([4], 'int32', [MIN_INT32, MAX_INT32, 0, 5]),
      values([4], 'int32', [1, -1, MIN_INT32, 3]),
    ],
    tags: ['int'],
  },
  {
    id: 'binary/mul-int32-wraps',
    call: { name: 'binary', op: 'mul' },
    inputs: [
      values([5], 'int32', [65536, 46341, MIN_INT32, 123456789, -7]),
      values([5], 'int32', [65536, 46341, -1, 1000, 6]),
    ],
    tags: ['int'],
  },
  {
    id: 'binary/equal-int32-rounds-to-float32',
    call: { name: 'binary', op: 'equal' },
    // int32 operands are cast to float32, where 16777217 becomes 16777216.
    inputs: [
      values([3], 'int32', [16777217, 16777216, 5]),
      values([3], 'float32', [16777216, 16777216, 5]),
    ],
    tags: ['int'],
  },
];

const powCases: ConformanceCase[] = [
  {
    // C and PyTorch: pow(1, y) is 1 for every y, NaN included, and pow(-1, ±Infinity) is 1.
    id: 'binary/pow-one-base',
    call: { name: 'binary', op: 'pow' },
    inputs: [
      values([7], 'float', [1, 1, 1, -1, -1, -1, 1]),
      values([7], 'float', [NAN, INF, -INF, INF, -INF, NAN, 0]),
    ],
    tags: ['nan-inf'],
  },
];

const shapeCases: ConformanceCase[] = [
  {
    id: 'binary/add-rank5-broadcast',
    call: { name: 'binary', op: 'add' },
    inputs: [float([2, 1, 3, 1, 2]), float([1, 4, 1, 5, 1])],
    tags: ['broadcast', 'odd'],
  },
  {
    id: 'binary/sub-broadcast-both-ways',
    call: { name: 'binary', op: 'sub' },
    inputs: [float([3, 1]), float([1, 4])],
    tags: ['broadcast'],
  },
  {
    id: 'binary/mul-empty',
    call: { name: 'binary', op: 'mul' },
    inputs: [float([0, 3]), float([3])],
    tags: ['empty', 'broadcast'],
  },
  {
    id: 'binary/add-scalars',
    call: { name: 'binary', op: 'add' },
    inputs: [float([]), float([])],
    tags: ['size1'],
  },
  {
    id: 'binary/add-large-broadcast',
    call: { name: 'binary', op: 'add' },
    inputs: [float([1025, 1031]), float([1031])],
    tags: ['large', 'broadcast', 'odd'],
  },
  {
    id: 'binary/maximum-large',
    call: { name: 'binary', op: 'maximum' },
    inputs: [float([1_000_003]), float([1_000_003])],
    tags: ['large', 'odd'],
  },
];

export const BINARY_CASES: readonly ConformanceCase[] = [
  ...BINARY_OPS.flatMap(perOpCases),
  ...wrapCases,
  ...powCases,
  ...shapeCases,
];
