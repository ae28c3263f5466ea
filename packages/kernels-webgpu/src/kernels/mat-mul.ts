import type { KernelCall } from '@tessera/tensor';
import type { WebGPUContext } from '../context';
import type { Program, UniformDecl } from '../program/program';
import { broadcastStrides, collapseAxes, sizeOf } from '../program/strides';
import { storageOf, type WebGPUStorage, wgslType } from '../storage';

/*
 * Tiled matrix product. A workgroup of TX x TY invocations computes a (4 * TY) x (4 * TX) tile of
 * the output, and each invocation a 4 x 4 block of it held in registers. For each slice of TK
 * along the inner dimension, the workgroup first copies the A and B tiles into workgroup memory,
 * so each element of A and B is read from device memory once per tile instead of once per
 * output. Then every invocation turns 4 + 4 loads into 16 multiply-adds. Invocation (tx, ty)
 * owns rows ty + i * TY and columns tx + j * TX, so neighbouring invocations touch neighbouring
 * words of workgroup memory and of the output.
 */

const BLOCK = 4;
const TX = 16;
const TK = 16;

interface Tiling {
  readonly ty: number;
  readonly tileM: number;
  readonly tileN: number;
}

/** TY is 16 where the device allows 256 invocations per workgroup, and smaller otherwise. */
function tiling(context: WebGPUContext): Tiling {
  const ty = Math.max(1, Math.min(16, Math.floor(context.workgroupSize / TX)));
  return { ty, tileM: ty * BLOCK, tileN: TX * BLOCK };
}

/** WGSL copying this k-slice's tiles into workgroup memory, zero outside the matrices. */
function loadTiles(t: Tiling, transposeA: boolean, transposeB: boolean, zero: string): string {
  const threads = TX * t.ty;
  // Consecutive invocations take consecutive addresses of whichever layout the operand has.
  const aCoords = transposeA
    ? `let mm = e % ${t.tileM}u;\n    let kk = e / ${t.tileM}u;`
    : `let kk = e % ${TK}u;\n    let mm = e / ${TK}u;`;
  const bCoords = transposeB
    ? `let kk = e % ${TK}u;\n    let nn = e / ${TK}u;`
    : `let nn = e % ${t.tileN}u;\n    let kk = e / ${t.tileN}u;`;
  return `
for (var e = local; e < ${t.tileM * TK}u; e = e + ${threads}u) {
    ${aCoords}
    let row = rowStart + mm;
    let inner = kStart + kk;
    var value = ${zero};
    if (row < params.m && inner < params.k) { value = a[aBase + row * params.aRowStride + inner * params.aInnerStride]; }
    tileA[kk * ${t.tileM}u + mm] = value;
}
for (var e = local; e < ${t.tileN * TK}u; e = e + ${threads}u) {
    ${bCoords}
    let column = columnStart + nn;
    let inner = kStart + kk;
    var value = ${zero};
    if (column < params.n && inner < params.k) { value = b[bBase + inner * params.bInnerStride + column * params.bColumnStride]; }
    tileB[kk * ${t.tileN}u + nn] = value;
}`;
}

/** WGSL of the register-blocked multiply-adds for one k-slice, unrolled over the 4 x 4 block. */
function multiplyTiles(t: Tiling, integer: boolean): string {
  const lines = [`for (var kk = 0u; kk < ${TK}u; kk = kk + 1u) {`];
  for (let i = 0; i < BLOCK; i++) {
    lines.push(`  let a${i} = tileA[kk * ${t.tileM}u + localId.y + ${i * t.ty}u];`);
  }
  for (let j = 0; j < BLOCK; j++) {
    lines.push(`  let b${j} = tileB[kk * ${t.tileN}u + localId.x + ${j * TX}u];`);
  }
  for (let i = 0; i < BLOCK; i++) {
    for (let j = 0; j < BLOCK; j++) {
      const index = i * BLOCK + j;
      // int32 products accumulate in u32, whose wrap-around equals int32's.
      const product = integer ? `bitcast<u32>(a${i}) * bitcast<u32>(b${j})` : `a${i} * b${j}`;
      lines.push(`  acc[${index}] = acc[${index}] + ${product};`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}

/** WGSL writing the 4 x 4 block into the output, skipping what falls outside it. */
function storeBlock(t: Tiling, integer: boolean): string {
  const lines: string[] = [];
  for (let i = 0; i < BLOCK; i++) {
    for (let j = 0; j < BLOCK; j++) {
      const value = integer ? `bitcast<i32>(acc[${i * BLOCK + j}])` : `acc[${i * BLOCK + j}]`;
      lines.push(
        `if (rowStart + localId.y + ${i * t.ty}u < params.m && columnStart + localId.x + ${j * TX}u < params.n) {`,
        `  result[outBase + (rowStart + localId.y + ${i * t.ty}u) * params.n + columnStart + localId.x + ${j * TX}u] = ${value};`,
        '}',
      );
    }
  }
  return lines.join('\n');
}

/** WGSL for `batchOffsets(batch)`: the first element of batch `batch`'s matrices in a and b. */
function batchFunction(rank: number): string {
  const lines = [
    'fn batchOffsets(batch: u32) -> vec2<u32> {',
    '  var rest = batch;',
    '  var offsets = vec2<u32>(0u, 0u);',
  ];
  for (let axis = rank - 1; axis >= 0; axis--) {
    lines.push(
      `  let c${axis} = rest % params.batchShape${axis};`,
      `  rest = rest / params.batchShape${axis};`,
      `  offsets = offsets + c${axis} * vec2<u32>(params.aBatchStride${axis}, params.bBatchStride${axis});`,
    );
  }
  lines.push('  return offsets;', '}');
  return lines.join('\n');
}

function matMulUniforms(batchRank: number): UniformDecl[] {
  const names = ['batches', 'm', 'n', 'k', 'tilesN', 'tilesPerBatch'];
  names.push('aRowStride', 'aInnerStride', 'bInnerStride', 'bColumnStride');
  for (let axis = 0; axis < batchRank; axis++) {
    names.push(`batchShape${axis}`, `aBatchStride${axis}`, `bBatchStride${axis}`);
  }
  return names.map((name) => ({ name, type: 'u32' }));
}

function matMulProgram(
  context: WebGPUContext,
  call: KernelCall<'MatMul'>,
  batchRank: number,
): Program {
  const t = tiling(context);
  const { transposeA, transposeB } = call.attrs;
  const type = wgslType(call.output.dtype);
  const integer = type === 'i32';
  const main = `
let batch = workgroup / params.tilesPerBatch;
// The workgroup index is the same for every invocation, so this exit leaves barriers uniform.
if (batch >= params.batches) { return; }
let tile = workgroup % params.tilesPerBatch;
let rowStart = (tile / params.tilesN) * ${t.tileM}u;
let columnStart = (tile % params.tilesN) * ${t.tileN}u;
let offsets = batchOffsets(batch);
let aBase = offsets.x;
let bBase = offsets.y;
let outBase = batch * params.m * params.n;
var acc: array<${integer ? 'u32' : 'f32'}, ${BLOCK * BLOCK}>;
for (var kStart = 0u; kStart < params.k; kStart = kStart + ${TK}u) {
${loadTiles(t, transposeA, transposeB, integer ? '0' : '0.0').trim()}
workgroupBarrier();
${multiplyTiles(t, integer)}
workgroupBarrier();
}
${storeBlock(t, integer)}`;
  return {
    key: `matMul:${type}:${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}:b${batchRank}:ty${t.ty}`,
    workgroupSize: [TX, t.ty],
    bindings: [
      { name: 'a', element: type, access: 'read' },
      { name: 'b', element: type, access: 'read' },
      { name: 'result', element: type, access: 'read_write' },
    ],
    uniforms: matMulUniforms(batchRank),
    shader: () => ({
      declarations: [
        `var<workgroup> tileA: array<${type}, ${t.tileM * TK}>;`,
        `var<workgroup> tileB: array<${type}, ${t.tileN * TK}>;`,
        batchFunction(batchRank),
      ].join('\n\n'),
      main,
    }),
  };
}

/**
 * Computes a batched matrix product. `a` is [...batchA, m, k] ([..., k, m] when transposed), `b`
 * is [...batchB, k, n] ([..., n, k] when transposed), and the batch axes broadcast.
 */
export function matMul(context: WebGPUContext, call: KernelCall<'MatMul'>): WebGPUStorage {
  const [a, b] = call.inputs;
  const { transposeA, transposeB } = call.attrs;
  const { shape, dtype, size } = call.output;
  const result = context.allocate(size, dtype);
  if (size === 0) return result;

  const rank = shape.length;
  const [m, n] = [shape[rank - 2], shape[rank - 1]];
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const batchShape = shape.slice(0, -2);
  const batch = collapseAxes(batchShape, [
    broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * m * k),
    broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * k * n),
  ]);

  const t = tiling(context);
  const tilesN = Math.ceil(n / t.tileN);
  const tilesPerBatch = Math.ceil(m / t.tileM) * tilesN;
  const batches = sizeOf(batchShape);
  const uniforms = [batches, m, n, k, tilesN, tilesPerBatch];
  uniforms.push(transposeA ? 1 : k, transposeA ? m : 1, transposeB ? 1 : n, transposeB ? k : 1);
  batch.shape.forEach((d, axis) => {
    uniforms.push(d, batch.strides[0][axis], batch.strides[1][axis]);
  });

  context.run(matMulProgram(context, call, batch.shape.length), {
    workgroups: batches * tilesPerBatch,
    buffers: [
      context.whole(storageOf(a), 'MatMul', 'first operand'),
      context.whole(storageOf(b), 'MatMul', 'second operand'),
      context.whole(result, 'MatMul', 'output'),
    ],
    uniforms,
  });
  return result;
}
