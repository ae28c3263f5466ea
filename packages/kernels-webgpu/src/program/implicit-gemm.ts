import type { BufferRange, WebGPUContext } from '../context';
import type { BindingDecl, Program, UniformDecl } from './program';
import type { Snippet } from './snippets';

/*
 * A float32 matrix product whose operands are computed rather than stored: the convolution
 * kernels express themselves as C[batch] = A[batch] x B[batch] with A, B and the place of C given
 * by WGSL functions (implicit GEMM). The tiling follows `kernels/mat-mul.ts`: a workgroup of
 * TX x TY invocations stages TK-deep slices of A and B in workgroup memory, and each invocation
 * accumulates a 4 x 4 block in registers. Every element of A and B is thus computed and read once
 * per tile instead of once per output element that uses it.
 */

const BLOCK = 4;
const TK = 16;

/** Workgroup shape and the output tile it covers. */
export interface GemmTiling {
  readonly tx: number;
  readonly ty: number;
  readonly tileM: number;
  readonly tileN: number;
}

/**
 * Picks the tile for an m x n output. Convolutions often have few rows (16 output channels, or 1
 * when depthwise) or few columns (the 9 taps of a one-channel 3 x 3 filter). So each side of the
 * workgroup is the smallest power of two whose blocks cover that side, up to 16 x 16 or 4 x 32
 * invocations and within the device's limit. The tiles of A and B take at most (32 + 128) x 16
 * floats, 10 KiB of workgroup memory, below the 16 KiB every WebGPU device offers.
 */
export function gemmTiling(context: WebGPUContext, m: number, n: number): GemmTiling {
  let ty = 1;
  while (ty < 16 && ty * BLOCK < m) ty *= 2;
  let tx = 1;
  while (tx < (ty === 16 ? 16 : 32) && tx * BLOCK < n) tx *= 2;
  while (tx * ty > context.workgroupSize) {
    if (ty >= tx) ty /= 2;
    else tx /= 2;
  }
  return { tx, ty, tileM: ty * BLOCK, tileN: tx * BLOCK };
}

/** The parts a convolution kernel gives the GEMM: bindings, uniforms and WGSL accessors. */
export interface GemmOperands {
  /** Names the accessors in the pipeline cache key. */
  readonly key: string;
  /** Two read-only inputs, then the output. */
  readonly bindings: readonly BindingDecl[];
  /** Uniforms the accessors read, after the GEMM's own. */
  readonly uniforms: readonly UniformDecl[];
  /** WGSL helpers the accessors call. */
  readonly snippets: readonly Snippet[];
  /**
   * WGSL defining `loadA(batch, row, inner) -> f32`, `loadB(batch, inner, column) -> f32` and
   * `storeC(split, batch, row, column, value: f32)`, all over u32 indices. The GEMM calls them
   * only for indices inside [m, k], [k, n] and [m, n].
   */
  readonly accessors: string;
  /** Whether B's consecutive addresses run along `inner` rather than `column`. */
  readonly bInnerContiguous: boolean;
}

/** The sizes of one GEMM launch. `splits` > 1 cuts `k` into chunks summed by separate batches. */
export interface GemmShape {
  readonly batches: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly splits: number;
  /** Length of each split's part of `k`, a multiple of 16 unless there is one split. */
  readonly kChunk: number;
}

const GEMM_UNIFORMS = ['batches', 'm', 'n', 'k', 'splits', 'kChunk', 'tilesN', 'tilesPerBatch'];

/** WGSL copying this k-slice of A and B into workgroup memory, zero outside the matrices. */
function loadTiles(t: GemmTiling, bInnerContiguous: boolean): string {
  const threads = t.tx * t.ty;
  const bCoords = bInnerContiguous
    ? `let kk = e % ${TK}u;\n  let nn = e / ${TK}u;`
    : `let nn = e % ${t.tileN}u;\n  let kk = e / ${t.tileN}u;`;
  return `
for (var e = local; e < ${t.tileM * TK}u; e = e + ${threads}u) {
  let kk = e % ${TK}u;
  let mm = e / ${TK}u;
  let row = rowStart + mm;
  let inner = kStart + kk;
  var value = 0.0;
  if (row < params.m && inner < kEnd) { value = loadA(batch, row, inner); }
  tileA[kk * ${t.tileM}u + mm] = value;
}
for (var e = local; e < ${t.tileN * TK}u; e = e + ${threads}u) {
  ${bCoords}
  let column = columnStart + nn;
  let inner = kStart + kk;
  var value = 0.0;
  if (column < params.n && inner < kEnd) { value = loadB(batch, inner, column); }
  tileB[kk * ${t.tileN}u + nn] = value;
}`;
}

/** WGSL of the multiply-adds for one k-slice, unrolled over the 4 x 4 block. */
function multiplyTiles(t: GemmTiling): string {
  const lines = [`for (var kk = 0u; kk < ${TK}u; kk = kk + 1u) {`];
  for (let i = 0; i < BLOCK; i++) {
    lines.push(`  let a${i} = tileA[kk * ${t.tileM}u + localId.y + ${i * t.ty}u];`);
  }
  for (let j = 0; j < BLOCK; j++) {
    lines.push(`  let b${j} = tileB[kk * ${t.tileN}u + localId.x + ${j * t.tx}u];`);
  }
  for (let i = 0; i < BLOCK; i++) {
    for (let j = 0; j < BLOCK; j++) {
      lines.push(`  acc[${i * BLOCK + j}] = acc[${i * BLOCK + j}] + a${i} * b${j};`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}

/** WGSL handing each value of the 4 x 4 block inside the output to `storeC`. */
function storeBlock(t: GemmTiling): string {
  const lines: string[] = [];
  for (let i = 0; i < BLOCK; i++) {
    for (let j = 0; j < BLOCK; j++) {
      const row = `rowStart + localId.y + ${i * t.ty}u`;
      const column = `columnStart + localId.x + ${j * t.tx}u`;
      lines.push(
        `if (${row} < params.m && ${column} < params.n) {`,
        `  storeC(split, batch, ${row}, ${column}, acc[${i * BLOCK + j}]);`,
        '}',
      );
    }
  }
  return lines.join('\n');
}

function gemmMain(t: GemmTiling, operands: GemmOperands): string {
  return `
let index = workgroup / params.tilesPerBatch;
// The workgroup index is the same for every invocation, so this exit leaves barriers uniform.
if (index >= params.batches * params.splits) { return; }
let split = index / params.batches;
let batch = index % params.batches;
let tile = workgroup % params.tilesPerBatch;
let rowStart = (tile / params.tilesN) * ${t.tileM}u;
let columnStart = (tile % params.tilesN) * ${t.tileN}u;
let kEnd = min(params.k, (split + 1u) * params.kChunk);
var acc: array<f32, ${BLOCK * BLOCK}>;
for (var kStart = split * params.kChunk; kStart < kEnd; kStart = kStart + ${TK}u) {
${loadTiles(t, operands.bInnerContiguous).trim()}
workgroupBarrier();
${multiplyTiles(t)}
workgroupBarrier();
}
${storeBlock(t)}`;
}

function gemmProgram(t: GemmTiling, operands: GemmOperands): Program {
  return {
    key: `implicitGemm:${operands.key}:t${t.tx}x${t.ty}`,
    workgroupSize: [t.tx, t.ty],
    bindings: operands.bindings,
    uniforms: [
      ...GEMM_UNIFORMS.map((name): UniformDecl => ({ name, type: 'u32' })),
      ...operands.uniforms,
    ],
    shader: () => ({
      snippets: operands.snippets,
      declarations: [
        `var<workgroup> tileA: array<f32, ${t.tileM * TK}>;`,
        `var<workgroup> tileB: array<f32, ${t.tileN * TK}>;`,
        operands.accessors.trim(),
      ].join('\n\n'),
      main: gemmMain(t, operands),
    }),
  };
}

/**
 * Records the GEMM: `buffers` are the ranges of `operands.bindings` in order, and `values` the
 * values of `operands.uniforms`.
 */
export function runImplicitGemm(
  context: WebGPUContext,
  operands: GemmOperands,
  shape: GemmShape,
  buffers: readonly BufferRange[],
  values: readonly number[],
): void {
  const t = gemmTiling(context, shape.m, shape.n);
  const tilesN = Math.ceil(shape.n / t.tileN);
  const tilesPerBatch = Math.ceil(shape.m / t.tileM) * tilesN;
  const { batches, m, n, k, splits, kChunk } = shape;
  context.run(gemmProgram(t, operands), {
    workgroups: batches * splits * tilesPerBatch,
    buffers,
    uniforms: [batches, m, n, k, splits, kChunk, tilesN, tilesPerBatch, ...values],
  });
}

/** Workgroups worth having before `k` is split. NOTE: an estimate, not tuned on GPU hardware. */
const TARGET_WORKGROUPS = 256;

/** The shortest part of `k` worth a split of its own. */
const MIN_SPLIT_K = 256;

/**
 * Cuts a long `k` into splits when the output has too few tiles to occupy the device: each split
 * writes its partial product, and the caller sums them. The partials take `splits` times the
 * output, so they must fit in one binding.
 */
export function planSplits(
  context: WebGPUContext,
  size: Omit<GemmShape, 'splits' | 'kChunk'>,
): Pick<GemmShape, 'splits' | 'kChunk'> {
  const { batches, m, n, k } = size;
  const t = gemmTiling(context, m, n);
  const workgroups = batches * Math.ceil(m / t.tileM) * Math.ceil(n / t.tileN);
  const partialsFit = Math.floor(context.limits.bindingBytes / Math.max(batches * m * n * 4, 4));
  const toTarget = Math.ceil(TARGET_WORKGROUPS / Math.max(workgroups, 1));
  const splits = Math.min(toTarget, Math.ceil(k / MIN_SPLIT_K), partialsFit);
  if (splits <= 1) return { splits: 1, kChunk: k };
  const kChunk = Math.ceil(k / splits / TK) * TK;
  return { splits: Math.ceil(k / kChunk), kChunk };
}
