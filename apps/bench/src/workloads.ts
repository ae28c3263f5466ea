/** Full runs use the shapes the results page reports; quick runs shrink them for CI. */
export type Mode = 'full' | 'quick';

export const WORKLOAD_IDS = [
  'matmul-128',
  'matmul-256',
  'matmul-512',
  'matmul-1024',
  'add',
  'exp',
  'mlp-step',
  'cnn-step',
  'sum-rows',
  'max-rows',
  'argmax-rows',
  'softmax-rows',
  'transpose',
  'gather',
  'concat',
  'where',
  'slice',
  'conv2d',
] as const;

export type WorkloadId = (typeof WORKLOAD_IDS)[number];

/** The workloads a quick run does when `--workloads` is not given. */
export const QUICK_WORKLOAD_IDS: readonly WorkloadId[] = [
  'matmul-128',
  'add',
  'exp',
  'mlp-step',
  'cnn-step',
  'sum-rows',
  'max-rows',
  'argmax-rows',
  'softmax-rows',
  'transpose',
  'gather',
  'concat',
  'where',
  'slice',
  'conv2d',
];

export interface MatmulSpec {
  kind: 'matmul';
  /** Both inputs are n x n. */
  n: number;
}

export interface ElementwiseSpec {
  kind: 'add' | 'exp';
  /** Elements per input. */
  size: number;
}

export interface MlpSpec {
  kind: 'mlp';
  batch: number;
  /** Layer widths from input to logits, e.g. [784, 256, 128, 10]. */
  widths: readonly number[];
  lr: number;
}

export interface CnnSpec {
  kind: 'cnn';
  batch: number;
  /** Square input images with one channel. */
  imageSize: number;
  /** Output channels of the two 3x3 convolutions (each followed by ReLU and a 2x2 max pool). */
  channels: readonly [number, number];
  classes: number;
  lr: number;
}

/** One op over the last axis of a [rows, cols] float32 matrix. */
export interface RowsSpec {
  kind: 'sum-rows' | 'max-rows' | 'argmax-rows' | 'softmax-rows';
  rows: number;
  cols: number;
}

export interface TransposeSpec {
  kind: 'transpose';
  /** The input is [rows, cols] float32. */
  rows: number;
  cols: number;
}

export interface GatherSpec {
  kind: 'gather';
  /** The table is [rows, cols] float32. */
  rows: number;
  cols: number;
  /** Count of int32 row indices, drawn uniformly from [0, rows). */
  indices: number;
}

export interface ConcatSpec {
  kind: 'concat';
  /** Each of the two inputs is [rows, cols] float32, joined along axis 0. */
  rows: number;
  cols: number;
}

export interface WhereSpec {
  kind: 'where';
  /** Elements in the bool mask and in each float32 input. */
  size: number;
}

export interface SliceSpec {
  kind: 'slice';
  /** The input is n x n float32; the slice is its middle n/2 x n/2 block. */
  n: number;
}

/** A forward convolution with stride 1, 'same' padding and no bias. */
export interface Conv2dSpec {
  kind: 'conv2d';
  batch: number;
  inChannels: number;
  outChannels: number;
  /** Square images, `size` x `size`. */
  size: number;
  /** Square filters, `kernelSize` x `kernelSize` (odd, so 'same' padding is symmetric). */
  kernelSize: number;
}

export type KernelSpec =
  | RowsSpec
  | TransposeSpec
  | GatherSpec
  | ConcatSpec
  | WhereSpec
  | SliceSpec
  | Conv2dSpec;

export type WorkloadShape = MatmulSpec | ElementwiseSpec | MlpSpec | CnnSpec | KernelSpec;
export type WorkloadKind = WorkloadShape['kind'];

export type WorkloadSpec = WorkloadShape & {
  id: WorkloadId;
  /** The row label in tables, with the shape. */
  label: string;
  /** The unit of the reported figure (higher is better for every unit). */
  unit: 'GFLOP/s' | 'GB/s' | 'steps/s';
  /** Work in one iteration, in the unit's numerator (FLOP, bytes or steps) before scaling. */
  workPerIteration: number;
  /** Divides work per second into the unit (1e9 for GFLOP/s and GB/s). */
  unitScale: number;
  /**
   * The largest accepted difference between two contenders' outputs, as a fraction of the
   * largest absolute value of the reference output.
   */
  tolerance: number;
};

const BYTES_PER_FLOAT32 = 4;
const BYTES_PER_INT32 = 4;
const BYTES_PER_BOOL = 1;
const MLP_WIDTHS = [784, 256, 128, 10] as const;

function matmul(id: WorkloadId, n: number): WorkloadSpec {
  return {
    id,
    kind: 'matmul',
    n,
    label: `matmul ${n}x${n}`,
    unit: 'GFLOP/s',
    workPerIteration: 2 * n ** 3,
    unitScale: 1e9,
    tolerance: 1e-4,
  };
}

/** Elementwise work counts the bytes the op itself reads and writes, not the read back. */
function elementwise(id: WorkloadId, kind: 'add' | 'exp', size: number): WorkloadSpec {
  const arrays = kind === 'add' ? 3 : 2;
  return {
    id,
    kind,
    size,
    label: `${kind} ${formatCount(size)} float32`,
    unit: 'GB/s',
    workPerIteration: arrays * size * BYTES_PER_FLOAT32,
    unitScale: 1e9,
    tolerance: 1e-5,
  };
}

function mlp(batch: number): WorkloadSpec {
  return {
    id: 'mlp-step',
    kind: 'mlp',
    batch,
    widths: MLP_WIDTHS,
    lr: 0.01,
    label: `MLP ${MLP_WIDTHS.join('-')} step, batch ${batch}`,
    unit: 'steps/s',
    workPerIteration: 1,
    unitScale: 1,
    tolerance: 1e-4,
  };
}

function cnn(batch: number): WorkloadSpec {
  return {
    id: 'cnn-step',
    kind: 'cnn',
    batch,
    imageSize: 28,
    channels: [16, 32],
    classes: 10,
    lr: 0.01,
    label: `CNN 28x28x1 step, batch ${batch}`,
    unit: 'steps/s',
    workPerIteration: 1,
    unitScale: 1,
    tolerance: 1e-4,
  };
}

/**
 * Kernel workloads count, like `add` and `exp`, the bytes the op itself reads and writes
 * (each input element once and each output element once), not the read back.
 */
function gigabytes(bytes: number): Pick<WorkloadSpec, 'unit' | 'workPerIteration' | 'unitScale'> {
  return { unit: 'GB/s', workPerIteration: bytes, unitScale: 1e9 };
}

/** Sums carry rounding that depends on the summation order. Selections and copies are exact. */
const SUM_TOLERANCE = 1e-4;
const EXACT = 0;

function rows(
  id: WorkloadId,
  kind: RowsSpec['kind'],
  rowCount: number,
  cols: number,
): WorkloadSpec {
  const input = rowCount * cols * BYTES_PER_FLOAT32;
  // argmax writes one int32 a row, the same size as the float32 of sum and max.
  const output = kind === 'softmax-rows' ? input : rowCount * BYTES_PER_FLOAT32;
  return {
    id,
    kind,
    rows: rowCount,
    cols,
    label: `${kind} ${rowCount}x${cols} float32`,
    ...gigabytes(input + output),
    tolerance: kind === 'max-rows' || kind === 'argmax-rows' ? EXACT : SUM_TOLERANCE,
  };
}

function transpose(rowCount: number, cols: number): WorkloadSpec {
  return {
    id: 'transpose',
    kind: 'transpose',
    rows: rowCount,
    cols,
    label: `transpose ${rowCount}x${cols} float32`,
    ...gigabytes(2 * rowCount * cols * BYTES_PER_FLOAT32),
    tolerance: EXACT,
  };
}

function gather(rowCount: number, cols: number, indices: number): WorkloadSpec {
  const copied = indices * cols * BYTES_PER_FLOAT32;
  return {
    id: 'gather',
    kind: 'gather',
    rows: rowCount,
    cols,
    indices,
    label: `gather ${indices} rows of ${rowCount}x${cols} float32`,
    ...gigabytes(indices * BYTES_PER_INT32 + 2 * copied),
    tolerance: EXACT,
  };
}

function concat(rowCount: number, cols: number): WorkloadSpec {
  return {
    id: 'concat',
    kind: 'concat',
    rows: rowCount,
    cols,
    label: `concat 2 x ${rowCount}x${cols} float32, axis 0`,
    ...gigabytes(2 * 2 * rowCount * cols * BYTES_PER_FLOAT32),
    tolerance: EXACT,
  };
}

function where(size: number): WorkloadSpec {
  return {
    id: 'where',
    kind: 'where',
    size,
    label: `where ${formatCount(size)} float32, bool mask`,
    ...gigabytes(size * (BYTES_PER_BOOL + 3 * BYTES_PER_FLOAT32)),
    tolerance: EXACT,
  };
}

function slice(n: number): WorkloadSpec {
  const half = n / 2;
  return {
    id: 'slice',
    kind: 'slice',
    n,
    label: `slice middle ${half}x${half} of ${n}x${n} float32`,
    ...gigabytes(2 * half * half * BYTES_PER_FLOAT32),
    tolerance: EXACT,
  };
}

function conv2d(batch: number): WorkloadSpec {
  const [inChannels, outChannels, size, kernelSize] = [16, 32, 14, 3];
  const outputs = batch * outChannels * size * size;
  return {
    id: 'conv2d',
    kind: 'conv2d',
    batch,
    inChannels,
    outChannels,
    size,
    kernelSize,
    label: `conv2d ${inChannels}->${outChannels} ${size}x${size} ${kernelSize}x${kernelSize}, batch ${batch}`,
    unit: 'GFLOP/s',
    workPerIteration: 2 * outputs * inChannels * kernelSize * kernelSize,
    unitScale: 1e9,
    tolerance: SUM_TOLERANCE,
  };
}

/** Returns workload `id` with its shapes in `mode`. */
export function workloadSpec(id: WorkloadId, mode: Mode): WorkloadSpec {
  const quick = mode === 'quick';
  switch (id) {
    case 'matmul-128':
      return matmul(id, 128);
    case 'matmul-256':
      return matmul(id, 256);
    case 'matmul-512':
      return matmul(id, 512);
    case 'matmul-1024':
      return matmul(id, 1024);
    case 'add':
    case 'exp':
      return elementwise(id, id, quick ? 1 << 16 : 1 << 20);
    case 'mlp-step':
      return mlp(quick ? 16 : 128);
    case 'cnn-step':
      return cnn(quick ? 4 : 64);
    case 'sum-rows':
    case 'max-rows':
    case 'argmax-rows':
      return quick ? rows(id, id, 128, 128) : rows(id, id, 1024, 1024);
    case 'softmax-rows':
      return quick ? rows(id, id, 128, 100) : rows(id, id, 1024, 1000);
    case 'transpose':
      return quick ? transpose(128, 128) : transpose(1024, 1024);
    case 'gather':
      return quick ? gather(512, 64, 128) : gather(4096, 256, 1024);
    case 'concat':
      return quick ? concat(64, 128) : concat(512, 1024);
    case 'where':
      return where(quick ? 1 << 16 : 1 << 20);
    case 'slice':
      return slice(quick ? 256 : 2048);
    case 'conv2d':
      return conv2d(quick ? 4 : 64);
  }
}

export function isWorkloadId(value: string): value is WorkloadId {
  return (WORKLOAD_IDS as readonly string[]).includes(value);
}

function formatCount(size: number): string {
  if (size % (1 << 20) === 0) return `${size / (1 << 20)}M`;
  if (size % (1 << 10) === 0) return `${size / (1 << 10)}K`;
  return String(size);
}
