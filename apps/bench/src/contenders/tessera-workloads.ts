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
import { getBackend, memory, type Tensor, tensor, tidy } from '@tessera/tensor';
import type { PreparedWorkload, WorkloadBuilders } from '../contender';
import {
  cnnBatch,
  cnnWeights,
  elementwiseInputs,
  type HostTensor,
  type LinearWeights,
  matmulInputs,
  mlpBatch,
  mlpWeights,
  type TrainingBatch,
} from '../data';
import type { CnnSpec, ElementwiseSpec, MatmulSpec, MlpSpec, WorkloadKind } from '../workloads';

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

const TESSERA_WORKLOADS: WorkloadBuilders = { matmul, add, exp, mlp, cnn };

/** The kernels the CNN step needs beyond those of the other workloads. */
const CNN_KERNELS = [
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'MaxPool2D',
  'MaxPool2DBackward',
];

/** The workloads the active backend can run, and the reason for each one it cannot. */
export interface TesseraWorkloads {
  workloads: WorkloadBuilders;
  unsupported: Partial<Record<WorkloadKind, string>>;
}

/**
 * Checks the active backend's kernel table for the CNN kernels. A backend still being
 * written may lack some at run time even though its type promises them all.
 */
export function tesseraWorkloadsOnActiveBackend(): TesseraWorkloads {
  const backend = getBackend();
  const table = backend.kernels as unknown as Record<string, unknown>;
  const missing = CNN_KERNELS.filter((name) => typeof table[name] !== 'function');
  if (missing.length === 0) return { workloads: TESSERA_WORKLOADS, unsupported: {} };
  const workloads = { ...TESSERA_WORKLOADS, cnn: undefined };
  const kernels = missing.length === 1 ? 'kernel' : 'kernels';
  const reason = `backend '${backend.name}' has no ${missing.join(', ')} ${kernels} yet`;
  return { workloads, unsupported: { cnn: reason } };
}

/** Counts the live storages on the active backend. */
export function tesseraLiveBuffers(): number {
  return memory().buffers;
}
