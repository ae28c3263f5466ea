import type { ConformanceCase } from '../types';
import { ARG_REDUCE_CASES } from './arg-reduce';
import { BINARY_CASES } from './binary';
import { CAST_CASES } from './cast';
import { CONCAT_CASES } from './concat';
import { EXPAND_CASES } from './expand';
import { FILL_CASES } from './fill';
import { GATHER_CASES } from './gather';
import { MATMUL_CASES } from './mat-mul';
import { PAD_CASES } from './pad';
import { REDUCE_CASES } from './reduce';
import { SCATTER_ADD_CASES } from './scatter-add';
import { SLICE_CASES } from './slice';
import { SOFTMAX_CASES } from './softmax';
import { TRANSPOSE_CASES } from './transpose';
import { UNARY_CASES } from './unary';
import { WHERE_CASES } from './where';

/** Every case of the suite, grouped by kernel family. */
export const ALL_CASES: readonly ConformanceCase[] = [
  ...UNARY_CASES,
  ...BINARY_CASES,
  ...CAST_CASES,
  ...FILL_CASES,
  ...EXPAND_CASES,
  ...REDUCE_CASES,
  ...ARG_REDUCE_CASES,
  ...MATMUL_CASES,
  ...TRANSPOSE_CASES,
  ...SLICE_CASES,
  ...CONCAT_CASES,
  ...PAD_CASES,
  ...WHERE_CASES,
  ...GATHER_CASES,
  ...SCATTER_ADD_CASES,
  ...SOFTMAX_CASES,
];
