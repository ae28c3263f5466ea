import type { KernelCall } from '@tessera/tensor';
import {
  broadcastStrides,
  collapseAxes,
  offsetOf,
  partOf,
  stridesOf,
  unravel,
} from '../codegen/index-math';
import { type ProgramRunner, SPLIT_LENGTH } from '../program';
import { type GpuJsStorage, storageOf } from '../storage';
import { sumParts } from './reduce';

/** Lines that set `aBase` and `bBase`, where row `r` of a and column `column` of b start. */
function operandStarts(call: KernelCall<'MatMul'>, m: number, n: number, k: number): string {
  const [a, b] = call.inputs;
  const { transposeA, transposeB } = call.attrs;
  const batch = call.output.shape.slice(0, -2);
  const scale = (strides: number[], factor: number) => strides.map((s) => s * factor);
  const batchStrides = collapseAxes(batch, [
    stridesOf(batch),
    scale(broadcastStrides(a.shape.slice(0, -2), batch), m * k),
    scale(broadcastStrides(b.shape.slice(0, -2), batch), k * n),
  ]);
  const lines = [`const row = tsDiv(e, ${n});`, `const column = e - row * ${n};`];
  if (batchStrides.shape.length === 0) {
    lines.push('const r = row;');
  } else {
    lines.push(`const matrix = tsDiv(row, ${m});`, `const r = row - matrix * ${m};`);
  }
  const { code, coords } = unravel('matrix', batchStrides.shape, 'c');
  // Element (r, d) of a is read at r * aRow + d * aDepth, and so on for b.
  const aRow = transposeA ? 1 : k;
  const bColumn = transposeB ? k : 1;
  const aBase = offsetOf([...coords, 'r'], [...batchStrides.strides[1], aRow]);
  const bBase = offsetOf([...coords, 'column'], [...batchStrides.strides[2], bColumn]);
  lines.push(code, `const aBase = ${aBase};`, `const bBase = ${bBase};`);
  return lines.join('\n');
}

/**
 * Batched matrix product, one output element per fragment: a dot product of length k. The
 * transpose flags only swap the strides a row or column is read with, so no copy is made.
 */
export function matMul(runner: ProgramRunner, call: KernelCall<'MatMul'>): GpuJsStorage {
  const [a, b] = call.inputs;
  const { transposeA, transposeB } = call.attrs;
  const size = call.output.size;
  const rank = call.output.shape.length;
  const [m, n] = call.output.shape.slice(rank - 2);
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  if (k === 0 || size === 0) {
    return runner.run({ kernel: 'MatMul', inputs: [], body: 'return 0;' }, size);
  }
  const aDepth = transposeA ? m : 1;
  const bDepth = transposeB ? 1 : n;
  // Longer dot products run in parts whose partial sums a second pass adds.
  const depth = Math.min(k, SPLIT_LENGTH);
  const parts = Math.ceil(k / depth);
  const body = [
    partOf(parts, size),
    operandStarts(call, m, n, k),
    'let acc = 0;',
    `for (let s = 0; s < ${depth}; s++) {`,
    `const d = part * ${depth} + s;`,
    `if (d >= ${k}) {\nbreak;\n}`,
    `acc = acc + x0[aBase + d * ${aDepth}] * x1[bBase + d * ${bDepth}];\n}`,
    'return acc;',
  ].join('\n');
  const inputs = [storageOf(a), storageOf(b)];
  const partials = runner.run({ kernel: 'MatMul', inputs, body }, parts * size);
  return sumParts(runner, 'MatMul', partials, parts, size);
}
