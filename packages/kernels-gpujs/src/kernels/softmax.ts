import type { KernelCall, KernelInput } from '@tessera/tensor';
import { rowBase, sizeOf } from '../codegen/index-math';
import { POS_INF, type ProgramRunner, SPLIT_LENGTH } from '../program';
import { type GpuJsStorage, storageOf } from '../storage';
import { reduce } from './reduce';

/** The input viewed as [outer, length, inner], with rows along the softmax axis. */
interface Rows {
  length: number;
  inner: number;
  /** Rows: outer x inner. */
  count: number;
}

/** Computes each row's maximum (NaN propagates): one value per row. */
function rowMaxima(runner: ProgramRunner, x: GpuJsStorage, rows: Rows, kernel: string) {
  const body = [
    rowBase('i', rows.length, rows.inner),
    `let m = -${POS_INF};`,
    `for (let k = 0; k < ${rows.length}; k++) {`,
    `const v = x0[base + k * ${rows.inner}];`,
    'if (v > m || tsIsNan(v) == 1) {\nm = v;\n}\n}',
    'return m;',
  ].join('\n');
  return runner.run({ kernel, inputs: [x], body }, rows.count);
}

/**
 * Lines that set `shift`, the value subtracted before exp. Softmax uses the row maximum.
 * Log-softmax uses the maximum where it is finite and 0 elsewhere, as the composite
 * x - logsumexp(x) does.
 */
function shiftOf(log: boolean): string {
  return log
    ? 'const m = x1[r];\nconst shift = tsIsFinite(m) == 1 ? m : 0;'
    : 'const shift = x1[r];';
}

/** Computes each row's sum of exp(x - shift): one value per row. */
function rowSums(
  runner: ProgramRunner,
  x: GpuJsStorage,
  maxima: GpuJsStorage,
  rows: Rows,
  log: boolean,
  kernel: string,
) {
  const body = [
    'const r = i;',
    rowBase('r', rows.length, rows.inner),
    shiftOf(log),
    'let sum = 0;',
    `for (let k = 0; k < ${rows.length}; k++) {`,
    `sum = sum + Math.exp(x0[base + k * ${rows.inner}] - shift);\n}`,
    'return sum;',
  ].join('\n');
  return runner.run({ kernel, inputs: [x, maxima], body }, rows.count);
}

/** Lines that set `r`, the row of element `i`. */
const ROW_OF_ELEMENT = (rows: Rows) =>
  [
    `const o = tsDiv(i, ${rows.length * rows.inner});`,
    `const q = tsDiv(i, ${rows.inner});`,
    `const r = o * ${rows.inner} + (i - q * ${rows.inner});`,
  ].join('\n');

/** Runs the max or sum Reduce kernel over the softmax axis: one value per row. */
function reduceRows(
  runner: ProgramRunner,
  x: KernelInput,
  axis: number,
  op: 'max' | 'sum',
  count: number,
) {
  const shape = x.shape.filter((_, a) => a !== axis);
  const output = { shape, dtype: x.dtype, size: count };
  return reduce(runner, { inputs: [x], attrs: { op, axes: [axis] }, output });
}

/**
 * Row maxima and sums of exp(x - shift) for rows longer than SPLIT_LENGTH: the Reduce kernel
 * runs them in passes, through a tensor of the shifted exponentials.
 */
function longRowStats(
  runner: ProgramRunner,
  input: KernelInput,
  axis: number,
  rows: Rows,
  log: boolean,
) {
  const maxima = reduceRows(runner, input, axis, 'max', rows.count);
  const x = storageOf(input);
  const body = `${ROW_OF_ELEMENT(rows)}\n${shiftOf(log)}\nreturn Math.exp(x0[i] - shift);`;
  const size = rows.count * rows.length;
  const exponentials = runner.run({ kernel: 'Softmax', inputs: [x, maxima], body }, size);
  const shifted: KernelInput = { storage: exponentials, shape: input.shape, dtype: input.dtype };
  const sums = reduceRows(runner, shifted, axis, 'sum', rows.count);
  runner.release(exponentials);
  return { maxima, sums };
}

/**
 * Softmax exp(x - max) / sum, or log-softmax x - shift - log(sum), in three launches: row
 * maxima, row sums, then every element. A row of all -Infinity gives NaN and a +Infinity
 * entry makes its row NaN, as in PyTorch.
 */
function run(
  runner: ProgramRunner,
  call: KernelCall<'Softmax'> | KernelCall<'LogSoftmax'>,
  log: boolean,
): GpuJsStorage {
  const kernel = log ? 'LogSoftmax' : 'Softmax';
  const [input] = call.inputs;
  const shape = input.shape;
  const axis = call.attrs.axis;
  const length = shape.length === 0 ? 1 : shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const rows = { length, inner, count: call.output.size / Math.max(length, 1) };
  if (call.output.size === 0) return runner.run({ kernel, inputs: [], body: 'return 0;' }, 0);
  const x = storageOf(input);
  let maxima: GpuJsStorage;
  let sums: GpuJsStorage;
  if (length > SPLIT_LENGTH) {
    ({ maxima, sums } = longRowStats(runner, input, axis, rows, log));
  } else {
    maxima = rowMaxima(runner, x, rows, kernel);
    sums = rowSums(runner, x, maxima, rows, log, kernel);
  }
  const value = log ? 'v - shift - Math.log(x2[r])' : 'Math.exp(v - shift) / x2[r]';
  const body = `${ROW_OF_ELEMENT(rows)}\n${shiftOf(log)}\nconst v = x0[i];\nreturn ${value};`;
  const result = runner.run({ kernel, inputs: [x, maxima, sums], body }, call.output.size);
  runner.release(maxima);
  runner.release(sums);
  return result;
}

export function softmax(runner: ProgramRunner, call: KernelCall<'Softmax'>): GpuJsStorage {
  return run(runner, call, false);
}

export function logSoftmax(runner: ProgramRunner, call: KernelCall<'LogSoftmax'>): GpuJsStorage {
  return run(runner, call, true);
}
