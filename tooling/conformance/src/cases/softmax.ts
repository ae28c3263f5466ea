import type { ConformanceCase, InputSpec } from '../types';
import { float, INF, NAN, values } from './build';

type SoftmaxName = 'softmax' | 'logSoftmax' | 'softmaxComposite' | 'logSoftmaxComposite';

/** The fused kernels (used by the ops when a backend has them) and the composite fallbacks. */
const NAMES: readonly SoftmaxName[] = [
  'softmax',
  'logSoftmax',
  'softmaxComposite',
  'logSoftmaxComposite',
];

function softmaxCase(
  name: SoftmaxName,
  suffix: string,
  input: InputSpec,
  axis: number,
  tags: ConformanceCase['tags'],
): ConformanceCase {
  return { id: `${name}/${suffix}`, call: { name, axis }, inputs: [input], tags };
}

const LOGITS = { kind: 'uniform', low: -3, high: 3 } as const;

function perNameCases(name: SoftmaxName): ConformanceCase[] {
  return [
    softmaxCase(name, 'last-axis', float([4, 7], LOGITS), -1, ['odd']),
    softmaxCase(name, 'axis0', float([5, 3], LOGITS), 0, []),
    softmaxCase(name, 'middle-axis', float([2, 5, 3], LOGITS), 1, []),
    softmaxCase(name, 'odd', float([3, 7, 13], LOGITS), 1, ['odd']),
    // Without the shift by the row maximum, exp overflows here.
    softmaxCase(
      name,
      'large-logits',
      values([3, 3], 'float', [90, 2, -2, 90, 89, 88, 1000, 999, -1000]),
      1,
      [],
    ),
    softmaxCase(name, 'size1-axis', float([4, 1], LOGITS), 1, ['size1']),
    softmaxCase(name, 'scalar', float([], LOGITS), 0, ['size1']),
    softmaxCase(name, 'empty-batch', float([0, 5], LOGITS), 1, ['empty']),
    // -Infinity masks an entry; a fully masked row is NaN, as in PyTorch.
    softmaxCase(name, 'masked', values([2, 3], 'float', [1, -INF, 2, -INF, 0, -INF]), 1, [
      'nan-inf',
    ]),
    softmaxCase(name, 'all-masked-row', values([2, 3], 'float', [-INF, -INF, -INF, 1, 2, 3]), 1, [
      'nan-inf',
    ]),
    softmaxCase(name, 'infinity-and-nan', values([2, 3], 'float', [1, INF, 2, 1, NAN, 0]), 1, [
      'nan-inf',
    ]),
    softmaxCase(name, 'large-rows', float([3, 5003], LOGITS), 1, ['large', 'odd']),
    softmaxCase(name, 'large-columns', float([2003, 4], LOGITS), 0, ['large', 'odd']),
  ];
}

export const SOFTMAX_CASES: readonly ConformanceCase[] = NAMES.flatMap(perNameCases);
