import type { KernelCall } from '@tessera/tensor';
import { partOf, sizeOf } from '../codegen/index-math';
import type { ProgramRunner } from '../program';
import { type GpuJsStorage, storageOf } from '../storage';
import { sumParts } from './reduce';

/** With x viewed as [outer, length, inner]: out[o, j, e] = x[o, indices[j], e]. */
export function gather(runner: ProgramRunner, call: KernelCall<'Gather'>): GpuJsStorage {
  const [input, indices] = call.inputs;
  const { axis } = call.attrs;
  const length = input.shape[axis];
  const inner = sizeOf(input.shape.slice(axis + 1));
  const count = sizeOf(indices.shape);
  const body = [
    `const o = tsDiv(i, ${count * inner});`,
    `const rest = i - o * ${count * inner};`,
    `const j = tsDiv(rest, ${inner});`,
    `const e = rest - j * ${inner};`,
    `return x0[o * ${length * inner} + x1[j] * ${inner} + e];`,
  ].join('\n');
  const inputs = [storageOf(input), storageOf(indices)];
  return runner.run({ kernel: 'Gather', inputs, body }, call.output.size);
}

/**
 * Indices one ScatterAdd fragment scans; more run in parts whose partial sums a second pass
 * adds.
 */
const SCATTER_CHUNK = 16384;

/**
 * Computes the adjoint of Gather: out[o, t, e] sums updates[o, j, e] over every j with
 * indices[j] = t.
 * Each output element scans the indices, so the cost is output size x index count. That avoids
 * the atomic adds a scatter would need, which WebGL lacks. int32 sums, and bool accumulates as
 * logical or, as on the CPU backend.
 */
export function scatterAdd(runner: ProgramRunner, call: KernelCall<'ScatterAdd'>): GpuJsStorage {
  const kernel = 'ScatterAdd';
  const [updates, indices] = call.inputs;
  const { shape, dtype, size } = call.output;
  const count = sizeOf(indices.shape);
  const inner = sizeOf(shape.slice(call.attrs.axis + 1));
  if (count === 0 || inner === 0) {
    return runner.run({ kernel, inputs: [], body: 'return 0;' }, size);
  }

  const chunk = Math.min(count, SCATTER_CHUNK);
  const parts = Math.ceil(count / chunk);
  const length = shape[call.attrs.axis];
  const update = dtype === 'bool' ? 'if (v != 0) {\nacc = 1;\n}' : 'acc = acc + v;';
  const body = [
    partOf(parts, size),
    `const o = tsDiv(e, ${length * inner});`,
    `const rest = e - o * ${length * inner};`,
    `const t = tsDiv(rest, ${inner});`,
    `const base = o * ${count * inner} + (rest - t * ${inner});`,
    'let acc = 0;',
    `for (let s = 0; s < ${chunk}; s++) {`,
    `const j = part * ${chunk} + s;`,
    `if (j >= ${count}) {\nbreak;\n}`,
    `if (x1[j] == t) {\nconst v = x0[base + j * ${inner}];\n${update}\n}\n}`,
    'return acc;',
  ].join('\n');
  const inputs = [storageOf(updates), storageOf(indices)];
  const partials = runner.run({ kernel, inputs, body }, parts * size);
  const sums = sumParts(runner, kernel, partials, parts, size);
  if (dtype !== 'bool' || parts === 1) return sums;

  // Summed parts of a bool scatter count the hits; any hit is true.
  const result = runner.run({ kernel, inputs: [sums], body: 'return x0[i] != 0 ? 1 : 0;' }, size);
  runner.release(sums);
  return result;
}
