import type { KernelCall } from '@tessera/tensor';
import { allocOutput, allocOutputForOverwrite, type CpuStorage, dataOf, wrap } from '../storage';
import { gemmFloat32 } from './gemm';
import { gemmFloat, gemmInt, type Operand } from './packed-gemm';
import { broadcastStrides, sizeOf } from './strides';

/**
 * Batched matrix product. float32 runs through the WebAssembly GEMM where available (float32
 * arithmetic), float64 and the fallback through the TypeScript GEMM (float64 arithmetic), int32
 * through a plain loop.
 */
export function matMul(call: KernelCall<'MatMul'>): CpuStorage {
  const [aInput, bInput] = call.inputs;
  const { transposeA, transposeB } = call.attrs;
  const { shape, dtype } = call.output;
  const rank = shape.length;
  const m = shape[rank - 2];
  const n = shape[rank - 1];
  const aShape = aInput.shape;
  const k = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  // An empty output has nothing to compute; an empty inner dimension leaves zeros.
  if (call.output.size === 0 || k === 0) return wrap(allocOutput(call.output));
  // gemmFloat32 writes every element of its product, so only the other types need zeros.
  const out = dtype === 'float32' ? allocOutputForOverwrite(call.output) : allocOutput(call.output);

  const a = dataOf(aInput);
  const b = dataOf(bInput);
  const batchShape = shape.slice(0, -2);
  const batches = sizeOf(batchShape);
  const aBatch = broadcastStrides(aShape.slice(0, -2), batchShape);
  const bBatch = broadcastStrides(bInput.shape.slice(0, -2), batchShape);
  const aMatrix = m * k;
  const bMatrix = k * n;
  const cMatrix = m * n;
  // Element strides: A[i, p] and B[p, j] as (row stride, column stride).
  const A: Operand = { data: a, offset: 0, rs: transposeA ? 1 : k, cs: transposeA ? m : 1 };
  const B: Operand = { data: b, offset: 0, rs: transposeB ? 1 : n, cs: transposeB ? k : 1 };
  let gemm = gemmInt;
  if (dtype === 'float32') gemm = gemmFloat32;
  if (dtype === 'float64') gemm = gemmFloat;

  // One shared B and a batched, untransposed A: the batch is just more rows of A.
  const aFull = sizeOf(aShape.slice(0, -2)) === batches;
  const bShared = bBatch.every((s) => s === 0);
  if (batches > 1 && bShared && aFull && !transposeA) {
    gemm(A, B, out, 0, batches * m, n, k);
    return wrap(out);
  }

  const counters = new Array<number>(batchShape.length).fill(0);
  for (let batch = 0; batch < batches; batch++) {
    let aIndex = 0;
    let bIndex = 0;
    for (let axis = 0; axis < batchShape.length; axis++) {
      aIndex += counters[axis] * aBatch[axis];
      bIndex += counters[axis] * bBatch[axis];
    }
    A.offset = aIndex * aMatrix;
    B.offset = bIndex * bMatrix;
    gemm(A, B, out, batch * cMatrix, m, n, k);
    for (let axis = batchShape.length - 1; axis >= 0; axis--) {
      if (++counters[axis] < batchShape[axis]) break;
      counters[axis] = 0;
    }
  }
  return wrap(out);
}
