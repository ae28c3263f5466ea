import { NeuralNetwork, NeuralNetworkGPU } from 'brain.js';
import type { Contender, PreparedWorkload } from '../contender';
import { mlpBatch, mlpWeights } from '../data';
import { packageVersion } from '../versions';
import type { MlpSpec } from '../workloads';

/**
 * brain.js's feed-forward networks on the MLP workload. brain.js 2.0.0-beta.24 trains one
 * sample at a time: a forward pass, the squared error against a one-hot target, a backward
 * pass and an update of every weight, per sample. A bench step is one pass over the batch,
 * so steps/s is samples/s divided by the batch size, as for the batched contenders.
 */

/** One training sample in the layout that brain.js's `trainPattern` takes. */
interface Sample {
  input: Float32Array;
  output: Float32Array;
}

type Network =
  | NeuralNetwork<Float32Array, Float32Array>
  | NeuralNetworkGPU<Float32Array, Float32Array>;
type NetworkJson = Parameters<NeuralNetwork<Float32Array, Float32Array>['fromJSON']>[0];

/**
 * The activation of every layer. brain.js applies one activation to all layers, the output
 * layer included, and has no softmax, so ReLU matches the other contenders' hidden layers
 * only.
 */
const ACTIVATION = 'relu';

function networkOptions(spec: MlpSpec) {
  return {
    inputSize: spec.widths[0],
    hiddenLayers: spec.widths.slice(1, -1),
    outputSize: spec.widths[spec.widths.length - 1],
    activation: ACTIVATION,
    learningRate: spec.lr,
  };
}

/** Converts the seeded weights to brain.js's JSON layers: [out][in] rows, input layer empty. */
function layersJson(spec: MlpSpec): NetworkJson['layers'] {
  const layers: NetworkJson['layers'] = [{ weights: [], biases: [] }];
  for (const { weight, bias } of mlpWeights(spec)) {
    const [outFeatures, inFeatures] = weight.shape;
    const rows: number[][] = [];
    for (let row = 0; row < outFeatures; row++) {
      rows.push(Array.from(weight.values.subarray(row * inFeatures, (row + 1) * inFeatures)));
    }
    layers.push({ weights: rows, biases: Array.from(bias.values) });
  }
  return layers;
}

/** Loads the seeded weights through brain.js's `fromJSON`, which also builds the network. */
function loadWeights(network: Network, spec: MlpSpec): void {
  network.fromJSON({
    type: network.constructor.name,
    sizes: [...spec.widths],
    layers: layersJson(spec),
    inputLookup: null,
    inputLookupLength: 0,
    outputLookup: null,
    outputLookupLength: 0,
    options: network.options,
    trainOpts: network.getTrainOptsJSON(),
  });
}

/** Splits the seeded batch into samples with one-hot targets. */
function trainingSamples(spec: MlpSpec): Sample[] {
  const { x, labels } = mlpBatch(spec);
  const [batch, features] = x.shape;
  const classes = spec.widths[spec.widths.length - 1];
  const samples: Sample[] = [];
  for (let i = 0; i < batch; i++) {
    const output = new Float32Array(classes);
    output[labels[i]] = 1;
    samples.push({ input: x.values.slice(i * features, (i + 1) * features), output });
  }
  return samples;
}

/**
 * Builds the MLP step. `calculateTrainingError` is what brain.js's `train` runs for one
 * iteration when it checks the error: `trainPattern` on every sample in order, then the
 * mean of the per-sample mean squared errors, each taken before that sample's update. On
 * the GPU network it reads that mean back from the device.
 *
 * NOTE: the samples stay host arrays, so the GPU network uploads each input every step.
 * brain.js's own upload (`prepTraining`) makes input textures as long as the first hidden
 * layer rather than the input layer (256 rather than 784 values in the full-size MLP).
 */
function prepareMlp(network: Network, spec: MlpSpec): PreparedWorkload {
  loadWeights(network, spec);
  const samples = trainingSamples(spec);
  return {
    step: async () => Float32Array.of(network.calculateTrainingError(samples)),
    dispose: () => undefined,
  };
}

/** brain.js's default momentum, which the bench keeps because its options reject 0. */
const MOMENTUM = new NeuralNetwork().trainOpts.momentum;

function describeTraining(): string {
  return (
    `activation '${ACTIVATION}' on every layer, squared error, one SGD update per sample ` +
    `(momentum ${MOMENTUM}, brain.js's default, since its options reject 0)`
  );
}

const UNSUPPORTED_REASON =
  'brain.js trains whole networks and has no tensor operations, so the bench runs it on ' +
  'the MLP step only';

/** brain.js's `NeuralNetwork`: plain JavaScript loops on one thread. */
export const brainjsCpu: Contender = {
  name: 'brainjs',
  describe: () =>
    `brain.js ${packageVersion('brain.js')} NeuralNetwork (CPU), ${describeTraining()}`,
  setup: async () => undefined,
  workloads: {
    mlp: async (spec) => prepareMlp(new NeuralNetwork(networkOptions(spec)), spec),
  },
  unsupportedReason: () => UNSUPPORTED_REASON,
  // brain.js's CPU network allocates its arrays once, when it is built.
  liveTensors: () => 0,
  teardown: async () => undefined,
};

let gpuNetwork: NeuralNetworkGPU<Float32Array, Float32Array> | undefined;

/**
 * brain.js's `NeuralNetworkGPU` in the mode that gpu.js picks: WebGL through headless-gl
 * where the gl addon built and a display exists (run under `xvfb-run -a`), else another
 * gpu.js backend, which the description names. Without a display gpu.js 2.24.1 picks its
 * `webasm` mode, which runs brain.js's kernel maps on its CPU kernels.
 */
export const brainjsGpu: Contender = {
  name: 'brainjs-gpu',
  describe: () => {
    const library = `brain.js ${packageVersion('brain.js')} NeuralNetworkGPU`;
    const mode = gpuNetwork === undefined ? '' : `, mode ${gpuNetwork.gpu.mode}`;
    return `${library} on gpu.js ${packageVersion('gpu.js')}${mode}, ${describeTraining()}`;
  },
  setup: async () => undefined,
  workloads: {
    mlp: async (spec) => {
      gpuNetwork = new NeuralNetworkGPU(networkOptions(spec));
      return prepareMlp(gpuNetwork, spec);
    },
  },
  unsupportedReason: () => UNSUPPORTED_REASON,
  // NOTE: brain.js frees its own textures and gpu.js counts none, so the leak check does not
  // cover this contender.
  liveTensors: () => 0,
  async teardown() {
    await gpuNetwork?.gpu.destroy();
    gpuNetwork = undefined;
  },
};
