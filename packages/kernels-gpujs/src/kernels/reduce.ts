import type { KernelCall, KernelInput, ReduceOp } from '@tessera/tensor';
import { collapseAxes, offsetOf, rowBase, sizeOf, stridesOf, unravel } from '../codegen/index-math';
import { POS_INF, type ProgramRunner, SPLIT_LENGTH } from '../program';
import { type GpuJsStorage, storageOf } from '../storage';
import { transposeBody } from './shape';

/** The result of reducing no elements. */
const IDENTITY: Record<ReduceOp, string> = {
  sum: '0',
  prod: '1',
  max: `-${POS_INF}`,
  min: POS_INF,
};

/** Folds `v` into `acc`. max and min propagate NaN: once acc is NaN no comparison replaces it. */
const UPDATE: Record<ReduceOp, string> = {
  sum: 'acc = acc + v;',
  prod: 'acc = acc * v;',
  max: 'if (v > acc || tsIsNan(v) == 1) {\nacc = v;\n}',
  min: 'if (v < acc || tsIsNan(v) == 1) {\nacc = v;\n}',
};

/**
 * Reductions longer than SPLIT_LENGTH run in passes of CHUNK elements, which also makes float32
 * sums lose less precision than one long running sum.
 */
const CHUNK = 1024;

/** Nested loops over the reduced axes (collapsed), folding every value into `acc`. */
function foldLoops(op: ReduceOp, base: string, shape: readonly number[], strides: number[]) {
  const loops = collapseAxes(shape, [strides]);
  const counters = loops.shape.map((_, k) => `r${k}`);
  const read = `const v = x0[${offsetOf(counters, loops.strides[0], base)}];\n${UPDATE[op]}`;
  return loops.shape.reduceRight(
    (inner, n, k) =>
      `for (let ${counters[k]} = 0; ${counters[k]} < ${n}; ${counters[k]}++) {\n${inner}\n}`,
    read,
  );
}

/** Reduces in one pass: each output element folds its values with nested loops. */
function reduceInOnePass(
  runner: ProgramRunner,
  kernel: string,
  input: KernelInput,
  axes: readonly number[],
  op: ReduceOp,
  outSize: number,
): GpuJsStorage {
  const strides = stridesOf(input.shape);
  const keptAxes = input.shape.flatMap((_, axis) => (axes.includes(axis) ? [] : [axis]));
  const keptShape = keptAxes.map((axis) => input.shape[axis]);
  const keptCollapsed = collapseAxes(keptShape, [
    stridesOf(keptShape),
    keptAxes.map((axis) => strides[axis]),
  ]);
  const { code, coords } = unravel('i', keptCollapsed.shape, 'c');
  const reducedShape = axes.map((axis) => input.shape[axis]);
  const reducedStrides = axes.map((axis) => strides[axis]);
  const body = [
    code,
    `const base = ${offsetOf(coords, keptCollapsed.strides[1])};`,
    `let acc = ${IDENTITY[op]};`,
    foldLoops(op, 'base', reducedShape, reducedStrides),
    'return acc;',
  ].join('\n');
  return runner.run({ kernel, inputs: [storageOf(input)], body }, outSize);
}

/** Folds rows of `length` contiguous values in chunks: output [rows, ceil(length / CHUNK)]. */
function reduceChunks(
  runner: ProgramRunner,
  rows: GpuJsStorage,
  rowCount: number,
  length: number,
  op: ReduceOp,
): { storage: GpuJsStorage; chunks: number } {
  const chunks = Math.ceil(length / CHUNK);
  const body = [
    `const row = tsDiv(i, ${chunks});`,
    `const chunk = i - row * ${chunks};`,
    `const start = row * ${length} + chunk * ${CHUNK};`,
    `const count = ${length} - chunk * ${CHUNK};`,
    `let acc = ${IDENTITY[op]};`,
    `for (let k = 0; k < ${CHUNK}; k++) {\nif (k >= count) {\nbreak;\n}`,
    `const v = x0[start + k];\n${UPDATE[op]}\n}`,
    'return acc;',
  ].join('\n');
  const storage = runner.run({ kernel: 'Reduce', inputs: [rows], body }, rowCount * chunks);
  return { storage, chunks };
}

/**
 * Reduces `axes` of `input` in passes: the reduced axes are moved last (a transpose, unless
 * they already are), then each pass shrinks every row by CHUNK.
 */
function reduceInPasses(
  runner: ProgramRunner,
  input: KernelInput,
  axes: readonly number[],
  op: ReduceOp,
  outSize: number,
): GpuJsStorage {
  const rank = input.shape.length;
  const trailing = axes.every((axis, k) => axis === rank - axes.length + k);
  let rows = storageOf(input);
  if (!trailing) {
    const perm = [...input.shape.keys()].filter((a) => !axes.includes(a)).concat(axes);
    const body = transposeBody(input.shape, perm);
    rows = runner.run({ kernel: 'Reduce', inputs: [rows], body }, sizeOf(input.shape));
  }
  let length = sizeOf(axes.map((axis) => input.shape[axis]));
  while (length > SPLIT_LENGTH) {
    const { storage, chunks } = reduceChunks(runner, rows, outSize, length, op);
    if (rows !== storageOf(input)) runner.release(rows);
    rows = storage;
    length = chunks;
  }
  const last: KernelInput = { storage: rows, shape: [outSize, length], dtype: input.dtype };
  const result = reduceInOnePass(runner, 'Reduce', last, [1], op, outSize);
  if (rows !== storageOf(input)) runner.release(rows);
  return result;
}

/**
 * Reduces `axes` away. An empty reduction gives the identity; a bool output stores nonzero
 * results as 1.
 */
export function reduce(runner: ProgramRunner, call: KernelCall<'Reduce'>): GpuJsStorage {
  const [input] = call.inputs;
  const { op } = call.attrs;
  // A rank-0 input arrives with axes [0]: there is no axis to reduce.
  const axes = call.attrs.axes.filter((axis) => axis < input.shape.length);
  const outSize = call.output.size;
  const length = sizeOf(axes.map((axis) => input.shape[axis]));
  if (length === 0 || outSize === 0) {
    return runner.run({ kernel: 'Reduce', inputs: [], body: `return ${IDENTITY[op]};` }, outSize);
  }

  const result =
    length > SPLIT_LENGTH
      ? reduceInPasses(runner, input, axes, op, outSize)
      : reduceInOnePass(runner, 'Reduce', input, axes, op, outSize);
  if (call.output.dtype !== 'bool' || op === 'max' || op === 'min') return result;

  const body = 'return x0[i] != 0 ? 1 : 0;';
  const normalized = runner.run({ kernel: 'Reduce', inputs: [result], body }, outSize);
  runner.release(result);
  return normalized;
}

/**
 * Lines that scan `count` candidates of the row starting at `base` (elements `inner` apart) and
 * leave the index of the first extreme in `index`, which is candidate 0 on entry. Candidate
 * s has the index `candidate`, an expression in s, and `stop` may end the loop early. The first
 * NaN returns at once.
 */
function argScan(better: string, inner: number, count: number, candidate: string, stop: string) {
  return [
    `let best = x0[base + index * ${inner}];`,
    'if (tsIsNan(best) == 1) {\nreturn index;\n}',
    `for (let s = 1; s < ${count}; s++) {`,
    `const k = ${candidate};`,
    stop,
    `const v = x0[base + k * ${inner}];`,
    `if (${better}) {\nbest = v;\nindex = k;\n} else if (tsIsNan(v) == 1) {\nreturn k;\n}\n}`,
    'return index;',
  ].join('\n');
}

/**
 * Index of the first maximum or minimum along `axis`; the first NaN wins. Axes longer than
 * SPLIT_LENGTH are scanned in chunks, then the chunks' winners in order, which keeps "first".
 */
export function argReduce(runner: ProgramRunner, call: KernelCall<'ArgReduce'>): GpuJsStorage {
  const kernel = 'ArgReduce';
  const [input] = call.inputs;
  const { op, axis } = call.attrs;
  const length = input.shape[axis];
  const inner = sizeOf(input.shape.slice(axis + 1));
  const better = op === 'argmax' ? 'v > best' : 'v < best';
  const x = storageOf(input);

  if (length <= SPLIT_LENGTH) {
    const scan = argScan(better, inner, length, 's', '');
    const body = `${rowBase('i', length, inner)}\nlet index = 0;\n${scan}`;
    return runner.run({ kernel, inputs: [x], body }, call.output.size);
  }

  // Each chunk's winner, then the winners scanned in order.
  const chunks = Math.ceil(length / SPLIT_LENGTH);
  const chunkScan = argScan(
    better,
    inner,
    SPLIT_LENGTH,
    'start + s',
    `if (k >= ${length}) {\nbreak;\n}`,
  );
  const chunkBody = [
    `const row = tsDiv(i, ${chunks});`,
    `const start = (i - row * ${chunks}) * ${SPLIT_LENGTH};`,
    rowBase('row', length, inner),
    `let index = start;\n${chunkScan}`,
  ].join('\n');
  const winners = runner.run({ kernel, inputs: [x], body: chunkBody }, call.output.size * chunks);
  const finalScan = argScan(better, inner, chunks, `x1[i * ${chunks} + s]`, '');
  const body = `${rowBase('i', length, inner)}\nlet index = x1[i * ${chunks}];\n${finalScan}`;
  const result = runner.run({ kernel, inputs: [x, winners], body }, call.output.size);
  runner.release(winners);
  return result;
}

/** Sums a [rows, columns] storage over its rows, for kernels that add up partial results. */
export function sumLeadingAxis(
  runner: ProgramRunner,
  kernel: string,
  storage: GpuJsStorage,
  rows: number,
  columns: number,
): GpuJsStorage {
  const input: KernelInput = { storage, shape: [rows, columns], dtype: 'float32' };
  return reduceInOnePass(runner, kernel, input, [0], 'sum', columns);
}

/** Adds up `parts` partial results of `size` elements each, releasing them. */
export function sumParts(
  runner: ProgramRunner,
  kernel: string,
  partials: GpuJsStorage,
  parts: number,
  size: number,
): GpuJsStorage {
  if (parts === 1) return partials;
  const sums = sumLeadingAxis(runner, kernel, partials, parts, size);
  runner.release(partials);
  return sums;
}
