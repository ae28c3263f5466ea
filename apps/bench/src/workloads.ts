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
] as const;

export type WorkloadId = (typeof WORKLOAD_IDS)[number];

/** The workloads a quick run does when `--workloads` is not given. */
export const QUICK_WORKLOAD_IDS: readonly WorkloadId[] = [
  'matmul-128',
  'add',
  'exp',
  'mlp-step',
  'cnn-step',
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

export type WorkloadShape = MatmulSpec | ElementwiseSpec | MlpSpec | CnnSpec;
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
