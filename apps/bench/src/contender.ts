import type {
  CnnSpec,
  ConcatSpec,
  Conv2dSpec,
  ElementwiseSpec,
  GatherSpec,
  MatmulSpec,
  MlpSpec,
  RowsSpec,
  SliceSpec,
  TransposeSpec,
  WhereSpec,
  WorkloadKind,
} from './workloads';

/** One workload with its inputs already on the contender's device. */
export interface PreparedWorkload {
  /**
   * Runs one iteration and reads its result back to the host, so that queued device work
   * is inside the timing. Returns the output for matmul and elementwise workloads and the
   * loss, computed before the update, for training steps. Tensors made by the step are
   * freed before it returns.
   */
  step(): Promise<Float32Array>;
  /**
   * Converts a step's output to the layout every contender of the workload agrees on (NCHW
   * for conv2d), outside the timed steps. Absent when the output already has that layout.
   */
  toCommonLayout?(output: Float32Array): Float32Array;
  /** Frees the inputs and weights. */
  dispose(): void;
}

/** Builders of prepared workloads, by kind; a kind left out is not supported. */
export interface WorkloadBuilders {
  matmul?: (spec: MatmulSpec) => Promise<PreparedWorkload>;
  add?: (spec: ElementwiseSpec) => Promise<PreparedWorkload>;
  exp?: (spec: ElementwiseSpec) => Promise<PreparedWorkload>;
  mlp?: (spec: MlpSpec) => Promise<PreparedWorkload>;
  cnn?: (spec: CnnSpec) => Promise<PreparedWorkload>;
  'sum-rows'?: (spec: RowsSpec) => Promise<PreparedWorkload>;
  'max-rows'?: (spec: RowsSpec) => Promise<PreparedWorkload>;
  'argmax-rows'?: (spec: RowsSpec) => Promise<PreparedWorkload>;
  'softmax-rows'?: (spec: RowsSpec) => Promise<PreparedWorkload>;
  transpose?: (spec: TransposeSpec) => Promise<PreparedWorkload>;
  gather?: (spec: GatherSpec) => Promise<PreparedWorkload>;
  concat?: (spec: ConcatSpec) => Promise<PreparedWorkload>;
  where?: (spec: WhereSpec) => Promise<PreparedWorkload>;
  slice?: (spec: SliceSpec) => Promise<PreparedWorkload>;
  conv2d?: (spec: Conv2dSpec) => Promise<PreparedWorkload>;
}

/**
 * A library and backend the bench times. Each contender runs in its own child process, so
 * `setup` may set process-wide state (a global backend, `navigator.gpu`).
 */
export interface Contender {
  readonly name: string;
  /** Library, version and backend, as the results page shows them. */
  describe(): string;
  /** Loads the library and selects its backend; throws with the reason when it cannot. */
  setup(): Promise<void>;
  readonly workloads: WorkloadBuilders;
  /** Returns the reason a kind is missing from `workloads`, for "not available" cells. */
  unsupportedReason(kind: WorkloadKind): string;
  /** Counts the tensors or buffers alive now, to check that a step frees what it makes. */
  liveTensors(): number;
  teardown(): Promise<void>;
}
