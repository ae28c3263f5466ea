import type { KernelCall, Pool2DAttrs } from '@tessera/tensor';
import { unravel, windowPosition } from '../codegen/index-math';
import { POS_INF, type ProgramRunner } from '../program';
import { type GpuJsStorage, storageOf } from '../storage';

/*
 * Pooling over NCHW planes, one output element per fragment. Every kernel views its tensors as
 * [planes, height, width] with planes = N * C.
 */

type AvgAttrs = Pool2DAttrs & { countIncludePad: boolean };

function loop(counter: string, count: number, body: string): string {
  return `for (let ${counter} = 0; ${counter} < ${count}; ${counter}++) {\n${body}\n}`;
}

/**
 * Lines that scan the window of output (`oy`, `ox`) in plane `plane` and leave in `best` the
 * flat input index of its first maximum (NaN wins), or -1 when the window holds only padding.
 * `suffix` keeps the names of two scans in one program apart.
 */
function windowArgmax(attrs: Pool2DAttrs, shape: readonly number[], suffix: string): string {
  const [, , h, w] = shape;
  const [kh, kw] = attrs.kernelSize;
  const [top, , left] = attrs.padding;
  const [y, x, v] = [`wy${suffix}`, `wx${suffix}`, `wv${suffix}`];
  const cell = [
    `const ${y} = oy * ${attrs.stride[0]} - ${top} + wky${suffix} * ${attrs.dilation[0]};`,
    `const ${x} = ox * ${attrs.stride[1]} - ${left} + wkx${suffix} * ${attrs.dilation[1]};`,
    `if (${y} >= 0 && ${y} < ${h} && ${x} >= 0 && ${x} < ${w}) {`,
    `const ${v} = x0[(plane * ${h} + ${y}) * ${w} + ${x}];`,
    `if (best < 0 || ${v} > bestValue || (tsIsNan(${v}) == 1 && tsIsNan(bestValue) == 0)) {`,
    `best = (plane * ${h} + ${y}) * ${w} + ${x};\nbestValue = ${v};\n}\n}`,
  ].join('\n');
  const scan = loop(`wky${suffix}`, kh, loop(`wkx${suffix}`, kw, cell));
  return `let best = -1;\nlet bestValue = 0;\n${scan}`;
}

export function maxPool2d(runner: ProgramRunner, call: KernelCall<'MaxPool2D'>): GpuJsStorage {
  const [x] = call.inputs;
  const [n, c, outH, outW] = call.output.shape;
  const { code, coords } = unravel('i', [n * c, outH, outW], 'p');
  const body = [
    code,
    `const plane = ${coords[0]};\nconst oy = ${coords[1]};\nconst ox = ${coords[2]};`,
    windowArgmax(call.attrs, x.shape, ''),
    `if (best < 0) {\nreturn -${POS_INF};\n}`,
    'return bestValue;',
  ].join('\n');
  return runner.run({ kernel: 'MaxPool2D', inputs: [storageOf(x)], body }, call.output.size);
}

/**
 * Lines that open a block for each window (`oy`, `ox`) containing input cell (`iy`, `ix`) at tap
 * (`ky`, `kx`). The caller closes the two blocks and the two loops with `}\n}\n}\n}`.
 */
function windowsContaining(attrs: Pool2DAttrs, outH: number, outW: number): string {
  const [kh, kw] = attrs.kernelSize;
  const [sh, sw] = attrs.stride;
  const [dh, dw] = attrs.dilation;
  const [top, , left] = attrs.padding;
  return [
    `for (let ky = 0; ky < ${kh}; ky++) {`,
    `for (let kx = 0; kx < ${kw}; kx++) {`,
    `const ty = iy + ${top} - ky * ${dh};`,
    `const tx = ix + ${left} - kx * ${dw};`,
    windowPosition('oy', 'ty', sh, outH),
    windowPosition('ox', 'tx', sw, outW),
  ].join('\n');
}

/** Adds each window's dy to the first position of its maximum; overlapping windows add up. */
export function maxPool2dBackward(
  runner: ProgramRunner,
  call: KernelCall<'MaxPool2DBackward'>,
): GpuJsStorage {
  const [dy, x] = call.inputs;
  const [n, c, h, w] = x.shape;
  const [, , outH, outW] = dy.shape;
  const { code, coords } = unravel('i', [n * c, h, w], 'p');
  const body = [
    code,
    `const plane = ${coords[0]};\nconst iy = ${coords[1]};\nconst ix = ${coords[2]};`,
    'let acc = 0;',
    windowsContaining(call.attrs, outH, outW),
    windowArgmax(call.attrs, x.shape, 'm'),
    `if (best == i) {\nacc = acc + x1[(plane * ${outH} + oy) * ${outW} + ox];\n}`,
    '}\n}\n}\n}',
    'return acc;',
  ].join('\n');
  const inputs = [storageOf(x), storageOf(dy)];
  return runner.run({ kernel: 'MaxPool2DBackward', inputs, body }, call.output.size);
}

/**
 * Lines that set `count`, the divisor of window (`oy`, `ox`): its cells inside the input, or with
 * countIncludePad its cells inside the padded input, as PyTorch counts them.
 */
function windowCount(attrs: AvgAttrs, h: number, w: number): string {
  const [kh, kw] = attrs.kernelSize;
  const [top, bottom, left, right] = attrs.padding;
  const lines = [
    `const yStart = oy * ${attrs.stride[0]} - ${top};`,
    `const xStart = ox * ${attrs.stride[1]} - ${left};`,
  ];
  if (attrs.countIncludePad) {
    lines.push(
      `const rows = Math.min(yStart + ${kh}, ${h + bottom}) - yStart;`,
      `const columns = Math.min(xStart + ${kw}, ${w + right}) - xStart;`,
    );
  } else {
    lines.push(
      `const rows = Math.min(yStart + ${kh}, ${h}) - Math.max(yStart, 0);`,
      `const columns = Math.min(xStart + ${kw}, ${w}) - Math.max(xStart, 0);`,
    );
  }
  lines.push('const count = rows * columns;');
  return lines.join('\n');
}

export function avgPool2d(runner: ProgramRunner, call: KernelCall<'AvgPool2D'>): GpuJsStorage {
  const [x] = call.inputs;
  const [, , h, w] = x.shape;
  const [n, c, outH, outW] = call.output.shape;
  const [kh, kw] = call.attrs.kernelSize;
  const { code, coords } = unravel('i', [n * c, outH, outW], 'p');
  const cell = [
    'const iy = yStart + ky;\nconst ix = xStart + kx;',
    `if (iy >= 0 && iy < ${h} && ix >= 0 && ix < ${w}) {`,
    `sum = sum + x0[(plane * ${h} + iy) * ${w} + ix];\n}`,
  ].join('\n');
  const body = [
    code,
    `const plane = ${coords[0]};\nconst oy = ${coords[1]};\nconst ox = ${coords[2]};`,
    windowCount(call.attrs, h, w),
    'let sum = 0;',
    loop('ky', kh, loop('kx', kw, cell)),
    'return sum / count;',
  ].join('\n');
  return runner.run({ kernel: 'AvgPool2D', inputs: [storageOf(x)], body }, call.output.size);
}

/** Spreads each window's dy evenly over its cells; overlapping windows add up. */
export function avgPool2dBackward(
  runner: ProgramRunner,
  call: KernelCall<'AvgPool2DBackward'>,
): GpuJsStorage {
  const [dy] = call.inputs;
  const [n, c, h, w] = call.output.shape;
  const [, , outH, outW] = dy.shape;
  const { code, coords } = unravel('i', [n * c, h, w], 'p');
  const body = [
    code,
    `const plane = ${coords[0]};\nconst iy = ${coords[1]};\nconst ix = ${coords[2]};`,
    'let acc = 0;',
    windowsContaining(call.attrs, outH, outW),
    windowCount(call.attrs, h, w),
    `acc = acc + x0[(plane * ${outH} + oy) * ${outW} + ox] / count;`,
    '}\n}\n}\n}',
    'return acc;',
  ].join('\n');
  return runner.run(
    { kernel: 'AvgPool2DBackward', inputs: [storageOf(dy)], body },
    call.output.size,
  );
}
