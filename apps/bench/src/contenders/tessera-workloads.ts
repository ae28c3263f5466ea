import { backward } from '@tessera/autograd';
import {
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  type StateDict,
} from '@tessera/nn';
import { SGD } from '@tessera/optim';
import {
  concat as concatTensors,
  conv2d as conv2dOp,
  getBackend,
  memory,
  type Tensor,
  tensor,
  tidy,
  where as whereOp,
} from '@tessera/tensor';
import type { PreparedWorkload, WorkloadBuilders } from '../contender';
import {
  cnnBatch,
  cnnWeights,
  concatInputs,
  conv2dInputs,
  elementwiseInputs,
  gatherInputs,
  type HostTensor,
  type LinearWeights,
  matmulInputs,
  mlpBatch,
  mlpWeights,
  rowsInput,
  sliceInput,
  type TrainingBatch,
  transposeInput,
  whereInputs,
} from '../data';
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
} from '../workloads';

/**
 * The workloads written once against Tessera's public API; each Tessera contender only picks
 * the backend. Every step runs inside `tidy` and frees its output after reading it.
 */

function upload(host: HostTensor): Tensor {
  return tensor(host.values, host.shape);
}

async function readAndFree(t: Tensor): Promise<Float32Array> {
  const values = await t.data();
  t.dispose();
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

function forwardOnly(inputs: Tensor[], run: () => Tensor): PreparedWorkload {
  return {
    step: () => readAndFree(tidy(run)),
    dispose: () => {
      for (const t of inputs) t.dispose();
    },
  };
}

async function matmul(spec: MatmulSpec): Promise<PreparedWorkload> {
  const { a, b } = matmulInputs(spec);
  const [ta, tb] = [upload(a), upload(b)];
  return forwardOnly([ta, tb], () => ta.matmul(tb));
}

async function add(spec: ElementwiseSpec): Promise<PreparedWorkload> {
  const { a, b } = elementwiseInputs(spec);
  const [ta, tb] = [upload(a), upload(b)];
  return forwardOnly([ta, tb], () => ta.add(tb));
}

async function exp(spec: ElementwiseSpec): Promise<PreparedWorkload> {
  const { a } = elementwiseInputs(spec);
  const ta = upload(a);
  return forwardOnly([ta], () => ta.exp());
}

async function sumRows(spec: RowsSpec): Promise<PreparedWorkload> {
  const x = upload(rowsInput(spec));
  return forwardOnly([x], () => x.sum(-1));
}

async function maxRows(spec: RowsSpec): Promise<PreparedWorkload> {
  const x = upload(rowsInput(spec));
  return forwardOnly([x], () => x.max(-1));
}

async function argmaxRows(spec: RowsSpec): Promise<PreparedWorkload> {
  const x = upload(rowsInput(spec));
  return forwardOnly([x], () => x.argmax(-1));
}

async function softmaxRows(spec: RowsSpec): Promise<PreparedWorkload> {
  const x = upload(rowsInput(spec));
  return forwardOnly([x], () => x.softmax(-1));
}

async function transpose(spec: TransposeSpec): Promise<PreparedWorkload> {
  const x = upload(transposeInput(spec));
  return forwardOnly([x], () => x.transpose());
}

async function gather(spec: GatherSpec): Promise<PreparedWorkload> {
  const { table, indices } = gatherInputs(spec);
  const x = upload(table);
  const rows = tensor(indices, [indices.length], 'int32');
  return forwardOnly([x, rows], () => x.gather(rows, 0));
}

async function concat(spec: ConcatSpec): Promise<PreparedWorkload> {
  const { a, b } = concatInputs(spec);
  const [ta, tb] = [upload(a), upload(b)];
  return forwardOnly([ta, tb], () => concatTensors([ta, tb], 0));
}

async function where(spec: WhereSpec): Promise<PreparedWorkload> {
  const { mask, a, b } = whereInputs(spec);
  const condition = tensor(mask, [mask.length], 'bool');
  const [ta, tb] = [upload(a), upload(b)];
  return forwardOnly([condition, ta, tb], () => whereOp(condition, ta, tb));
}

async function slice(spec: SliceSpec): Promise<PreparedWorkload> {
  const x = upload(sliceInput(spec));
  const quarter = spec.n / 4;
  const half = spec.n / 2;
  return forwardOnly([x], () => x.slice([quarter, quarter], [half, half]));
}

async function conv2d(spec: Conv2dSpec): Promise<PreparedWorkload> {
  const inputs = conv2dInputs(spec);
  const [x, weight] = [upload(inputs.x), upload(inputs.weight)];
  return forwardOnly([x, weight], () => conv2dOp(x, weight, { padding: 'same' }));
}

/** Loads `layers` into `model` under the names `indices` give (`0.weight`, `0.bias`, ...). */
function loadLayers(model: Module, indices: number[], layers: LinearWeights[]): void {
  const state: StateDict = new Map();
  layers.forEach((layer, i) => {
    state.set(`${indices[i]}.weight`, upload(layer.weight));
    state.set(`${indices[i]}.bias`, upload(layer.bias));
  });
  model.loadStateDict(state);
  for (const t of state.values()) t.dispose();
}

/** One SGD step of softmax cross-entropy on a fixed batch; the step returns the loss. */
function trainingStep(model: Module, batch: TrainingBatch, lr: number): PreparedWorkload {
  const x = upload(batch.x);
  const y = tensor(batch.labels, [batch.labels.length], 'int32');
  const optimizer = new SGD(model.parameters(), { lr });
  const step = () => {
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const batchLoss = crossEntropy(model.forward(x), y);
      backward(batchLoss);
      optimizer.step();
      return batchLoss;
    });
    return readAndFree(loss);
  };
  const dispose = () => {
    optimizer.zeroGrad();
    model.dispose();
    x.dispose();
    y.dispose();
  };
  return { step, dispose };
}

async function mlp(spec: MlpSpec): Promise<PreparedWorkload> {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < spec.widths.length; i++) {
    if (i > 0) layers.push(new ReLU());
    layers.push(new Linear(spec.widths[i], spec.widths[i + 1]));
  }
  const model = new Sequential(...layers);
  loadLayers(model, [0, 2, 4], mlpWeights(spec));
  return trainingStep(model, mlpBatch(spec), spec.lr);
}

async function cnn(spec: CnnSpec): Promise<PreparedWorkload> {
  const [c1, c2] = spec.channels;
  const weights = cnnWeights(spec);
  const model = new Sequential(
    new Conv2d(1, c1, 3, { padding: 'same' }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(c1, c2, 3, { padding: 'same' }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(weights.dense.weight.shape[1], spec.classes),
  );
  loadLayers(model, [0, 3, 7], [weights.conv1, weights.conv2, weights.dense]);
  return trainingStep(model, cnnBatch(spec), spec.lr);
}

const TESSERA_WORKLOADS: WorkloadBuilders = {
  matmul,
  add,
  exp,
  mlp,
  cnn,
  'sum-rows': sumRows,
  'max-rows': maxRows,
  'argmax-rows': argmaxRows,
  'softmax-rows': softmaxRows,
  transpose,
  gather,
  concat,
  where,
  slice,
  conv2d,
};

/**
 * Kernels that a backend still being written may lack, by the workload kind that needs
 * them. The other workloads use only the kernels every backend has.
 */
const OPTIONAL_KERNELS: Partial<Record<WorkloadKind, readonly string[]>> = {
  cnn: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPool2D', 'MaxPool2DBackward'],
  conv2d: ['Conv2D'],
};

/** The workloads the active backend can run, and the reason for each one it cannot. */
export interface TesseraWorkloads {
  workloads: WorkloadBuilders;
  unsupported: Partial<Record<WorkloadKind, string>>;
}

/**
 * Checks the active backend's kernel table for the kernels in OPTIONAL_KERNELS. A backend
 * still being written may lack some at run time even though its type promises them all.
 */
export function tesseraWorkloadsOnActiveBackend(): TesseraWorkloads {
  const backend = getBackend();
  const table = backend.kernels as unknown as Record<string, unknown>;
  const workloads: WorkloadBuilders = { ...TESSERA_WORKLOADS };
  const unsupported: Partial<Record<WorkloadKind, string>> = {};
  for (const [kind, names] of Object.entries(OPTIONAL_KERNELS) as [WorkloadKind, string[]][]) {
    const missing = names.filter((name) => typeof table[name] !== 'function');
    if (missing.length === 0) continue;
    delete workloads[kind];
    const kernels = missing.length === 1 ? 'kernel' : 'kernels';
    unsupported[kind] = `backend '${backend.name}' has no ${missing.join(', ')} ${kernels} yet`;
  }
  return { workloads, unsupported };
}

/** Counts the live storages on the active backend. */
export function tesseraLiveBuffers(): number {
  return memory().buffers;
}
