import * as tf from '@tensorflow/tfjs-core';
import type { PreparedWorkload, WorkloadBuilders } from '../contender';
import {
  chwDenseToHwc,
  cnnBatch,
  cnnPooledSize,
  cnnWeights,
  concatInputs,
  conv2dInputs,
  elementwiseInputs,
  gatherInputs,
  type HostTensor,
  matmulInputs,
  mlpBatch,
  mlpWeights,
  nchwToNhwc,
  nhwcToNchw,
  oihwToHwio,
  rowsInput,
  sliceInput,
  type TrainingBatch,
  transpose2d,
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
} from '../workloads';

/**
 * The workloads written once against tfjs-core's public API; each tfjs contender only picks
 * the backend. Steps run inside `tf.tidy` and read results with the async `data()`, the one
 * read that every backend (WebGPU included) supports.
 */

function upload(host: HostTensor): tf.Tensor {
  return tf.tensor(host.values, host.shape, 'float32');
}

/** Uploads `host` as a variable. The tidy frees the upload, which the variable does not need. */
function variableOf(host: HostTensor): tf.Variable {
  return tf.tidy(() => tf.variable(upload(host)));
}

async function readAndFree(t: tf.Tensor): Promise<Float32Array> {
  const values = await t.data();
  t.dispose();
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

function forwardOnly(inputs: tf.Tensor[], run: () => tf.Tensor): PreparedWorkload {
  return {
    step: () => readAndFree(tf.tidy(run)),
    dispose: () => tf.dispose(inputs),
  };
}

async function matmul(spec: MatmulSpec): Promise<PreparedWorkload> {
  const { a, b } = matmulInputs(spec);
  const [ta, tb] = [upload(a), upload(b)];
  return forwardOnly([ta, tb], () => tf.matMul(ta, tb));
}

async function add(spec: ElementwiseSpec): Promise<PreparedWorkload> {
  const { a, b } = elementwiseInputs(spec);
  const [ta, tb] = [upload(a), upload(b)];
  return forwardOnly([ta, tb], () => tf.add(ta, tb));
}

async function exp(spec: ElementwiseSpec): Promise<PreparedWorkload> {
  const ta = upload(elementwiseInputs(spec).a);
  return forwardOnly([ta], () => tf.exp(ta));
}

async function sumRows(spec: RowsSpec): Promise<PreparedWorkload> {
  const x = upload(rowsInput(spec));
  return forwardOnly([x], () => tf.sum(x, -1));
}

async function maxRows(spec: RowsSpec): Promise<PreparedWorkload> {
  const x = upload(rowsInput(spec));
  return forwardOnly([x], () => tf.max(x, -1));
}

async function argmaxRows(spec: RowsSpec): Promise<PreparedWorkload> {
  const x = upload(rowsInput(spec));
  return forwardOnly([x], () => tf.argMax(x, -1));
}

async function softmaxRows(spec: RowsSpec): Promise<PreparedWorkload> {
  const x = upload(rowsInput(spec));
  return forwardOnly([x], () => tf.softmax(x, -1));
}

async function transpose(spec: TransposeSpec): Promise<PreparedWorkload> {
  const x = upload(transposeInput(spec));
  return forwardOnly([x], () => tf.transpose(x));
}

async function gather(spec: GatherSpec): Promise<PreparedWorkload> {
  const { table, indices } = gatherInputs(spec);
  const x = upload(table);
  const rows = tf.tensor1d(indices, 'int32');
  return forwardOnly([x, rows], () => tf.gather(x, rows, 0));
}

async function concat(spec: ConcatSpec): Promise<PreparedWorkload> {
  const { a, b } = concatInputs(spec);
  const [ta, tb] = [upload(a), upload(b)];
  return forwardOnly([ta, tb], () => tf.concat([ta, tb], 0));
}

async function where(spec: WhereSpec): Promise<PreparedWorkload> {
  const { mask, a, b } = whereInputs(spec);
  const condition = tf.tensor1d(mask, 'bool');
  const [ta, tb] = [upload(a), upload(b)];
  return forwardOnly([condition, ta, tb], () => tf.where(condition, ta, tb));
}

async function slice(spec: SliceSpec): Promise<PreparedWorkload> {
  const x = upload(sliceInput(spec));
  const quarter = spec.n / 4;
  const half = spec.n / 2;
  return forwardOnly([x], () => tf.slice(x, [quarter, quarter], [half, half]));
}

/** Runs NHWC with an HWIO filter, built from the same values as Tessera's NCHW inputs. */
async function conv2d(spec: Conv2dSpec): Promise<PreparedWorkload> {
  const inputs = conv2dInputs(spec);
  const x = upload(nchwToNhwc(inputs.x)) as tf.Tensor4D;
  const filter = upload(oihwToHwio(inputs.weight)) as tf.Tensor4D;
  const outputShape = [spec.batch, spec.size, spec.size, spec.outChannels];
  return {
    ...forwardOnly([x, filter], () => tf.conv2d(x, filter, 1, 'same')),
    toCommonLayout: (output) => nhwcToNchw(output, outputShape),
  };
}

/**
 * Loads the full `@tensorflow/tfjs` package, which registers the gradient functions;
 * tfjs-core 4.22.0 alone has none in Node, so `minimize` fails without this import.
 */
async function registerGradients(): Promise<void> {
  await import('@tensorflow/tfjs');
}

/** One SGD step of softmax cross-entropy on a fixed batch; the step returns the loss. */
function trainingStep(
  variables: tf.Variable[],
  forward: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  batch: TrainingBatch,
  classes: number,
  lr: number,
): PreparedWorkload {
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.labels, 'int32'), classes));
  const optimizer = tf.train.sgd(lr);
  const step = () => {
    const loss = tf.tidy(() => {
      const cost = () => tf.losses.softmaxCrossEntropy(oneHot, forward(x)) as tf.Scalar;
      return optimizer.minimize(cost, true, variables) as tf.Scalar;
    });
    return readAndFree(loss);
  };
  const dispose = () => {
    optimizer.dispose();
    tf.dispose([x, oneHot, ...variables]);
  };
  return { step, dispose };
}

async function mlp(spec: MlpSpec): Promise<PreparedWorkload> {
  await registerGradients();
  const layers = mlpWeights(spec).map((layer) => ({
    kernel: variableOf(transpose2d(layer.weight)),
    bias: variableOf(layer.bias),
  }));
  const forward = (x: tf.Tensor) => {
    let h = x as tf.Tensor2D;
    layers.forEach((layer, i) => {
      h = tf.add(tf.matMul(h, layer.kernel), layer.bias);
      if (i + 1 < layers.length) h = tf.relu(h);
    });
    return h;
  };
  const batch = mlpBatch(spec);
  const variables = layers.flatMap((layer) => [layer.kernel, layer.bias]);
  const classes = spec.widths[spec.widths.length - 1];
  return trainingStep(variables, forward, upload(batch.x), batch, classes, spec.lr);
}

async function cnn(spec: CnnSpec): Promise<PreparedWorkload> {
  await registerGradients();
  const weights = cnnWeights(spec);
  const pooled = cnnPooledSize(spec);
  const filter1 = variableOf(oihwToHwio(weights.conv1.weight));
  const bias1 = variableOf(weights.conv1.bias);
  const filter2 = variableOf(oihwToHwio(weights.conv2.weight));
  const bias2 = variableOf(weights.conv2.bias);
  const dense = variableOf(chwDenseToHwc(weights.dense.weight, spec.channels[1], pooled));
  const denseBias = variableOf(weights.dense.bias);
  const block = (x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor): tf.Tensor4D => {
    const activation = tf.relu(tf.add(tf.conv2d(x, filter, 1, 'same'), bias)) as tf.Tensor4D;
    return tf.maxPool(activation, 2, 2, 'valid');
  };
  const forward = (x: tf.Tensor) => {
    const h1 = block(x as tf.Tensor4D, filter1 as tf.Tensor4D, bias1);
    const h2 = block(h1, filter2 as tf.Tensor4D, bias2);
    return tf.add(tf.matMul(tf.reshape(h2, [spec.batch, -1]), dense), denseBias);
  };
  const batch = cnnBatch(spec);
  // [batch, 1, h, w] and tfjs's NHWC [batch, h, w, 1] share one memory order.
  const x = tf.tensor4d(batch.x.values, [spec.batch, spec.imageSize, spec.imageSize, 1]);
  const variables = [filter1, bias1, filter2, bias2, dense, denseBias];
  return trainingStep(variables, forward, x, batch, spec.classes, spec.lr);
}

export const TFJS_WORKLOADS: WorkloadBuilders = {
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

export function tfjsLiveTensors(): number {
  return tf.memory().numTensors;
}
