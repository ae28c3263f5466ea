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
} from './workloads';

/**
 * Inputs and initial weights for every workload, made here from fixed seeds so that every
 * contender gets the same bytes. Weights are stored in PyTorch's layout (Linear [out, in],
 * Conv2d [out, in, kh, kw]); the tfjs contenders convert them with the helpers below.
 */

/** A float32 array with its shape. */
export interface HostTensor {
  values: Float32Array;
  shape: number[];
}

/** Mulberry32: a small, fast 32-bit generator, good enough for benchmark inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(seed: number, shape: number[], low: number, high: number): HostTensor {
  const next = seededRandom(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * next();
  return { values, shape };
}

/** Draws class labels in [0, classes). */
export function labels(seed: number, count: number, classes: number): Int32Array {
  const next = seededRandom(seed);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(next() * classes);
  return out;
}

export function matmulInputs(spec: MatmulSpec): { a: HostTensor; b: HostTensor } {
  return {
    a: uniform(11, [spec.n, spec.n], -1, 1),
    b: uniform(12, [spec.n, spec.n], -1, 1),
  };
}

export function elementwiseInputs(spec: ElementwiseSpec): { a: HostTensor; b: HostTensor } {
  return { a: uniform(21, [spec.size], -1, 1), b: uniform(22, [spec.size], -1, 1) };
}

export function rowsInput(spec: RowsSpec): HostTensor {
  return uniform(51, [spec.rows, spec.cols], -1, 1);
}

export function transposeInput(spec: TransposeSpec): HostTensor {
  return uniform(52, [spec.rows, spec.cols], -1, 1);
}

export function gatherInputs(spec: GatherSpec): { table: HostTensor; indices: Int32Array } {
  return {
    table: uniform(53, [spec.rows, spec.cols], -1, 1),
    indices: labels(54, spec.indices, spec.rows),
  };
}

export function concatInputs(spec: ConcatSpec): { a: HostTensor; b: HostTensor } {
  return {
    a: uniform(55, [spec.rows, spec.cols], -1, 1),
    b: uniform(56, [spec.rows, spec.cols], -1, 1),
  };
}

/** A mask with each element true with probability 1/2, stored one byte per element (0 or 1). */
export function whereInputs(spec: WhereSpec): { mask: Uint8Array; a: HostTensor; b: HostTensor } {
  const next = seededRandom(57);
  const mask = new Uint8Array(spec.size);
  for (let i = 0; i < spec.size; i++) mask[i] = next() < 0.5 ? 1 : 0;
  return { mask, a: uniform(58, [spec.size], -1, 1), b: uniform(59, [spec.size], -1, 1) };
}

export function sliceInput(spec: SliceSpec): HostTensor {
  return uniform(60, [spec.n, spec.n], -1, 1);
}

/** Returns the input [batch, in, size, size] and filter [out, in, k, k], both NCHW-style. */
export function conv2dInputs(spec: Conv2dSpec): { x: HostTensor; weight: HostTensor } {
  const { batch, inChannels, outChannels, size, kernelSize } = spec;
  const bound = layerBound(inChannels * kernelSize * kernelSize);
  return {
    x: uniform(61, [batch, inChannels, size, size], -1, 1),
    weight: uniform(62, [outChannels, inChannels, kernelSize, kernelSize], -bound, bound),
  };
}

/** PyTorch's default bound for Linear and Conv2d weights and biases: 1 / sqrt(fan in). */
function layerBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

export interface LinearWeights {
  /** [out, in] */
  weight: HostTensor;
  /** [out] */
  bias: HostTensor;
}

export interface TrainingBatch {
  /** MLP: [batch, features]; CNN: [batch, 1, height, width], which for one channel has the same
   * memory order as tfjs's [batch, height, width, 1]. */
  x: HostTensor;
  labels: Int32Array;
}

function linearWeights(seed: number, inFeatures: number, outFeatures: number): LinearWeights {
  const bound = layerBound(inFeatures);
  return {
    weight: uniform(seed, [outFeatures, inFeatures], -bound, bound),
    bias: uniform(seed + 1, [outFeatures], -bound, bound),
  };
}

export function mlpWeights(spec: MlpSpec): LinearWeights[] {
  const layers: LinearWeights[] = [];
  for (let i = 0; i + 1 < spec.widths.length; i++) {
    layers.push(linearWeights(100 + 10 * i, spec.widths[i], spec.widths[i + 1]));
  }
  return layers;
}

export function mlpBatch(spec: MlpSpec): TrainingBatch {
  const classes = spec.widths[spec.widths.length - 1];
  return {
    x: uniform(31, [spec.batch, spec.widths[0]], 0, 1),
    labels: labels(32, spec.batch, classes),
  };
}

export interface CnnWeights {
  /** [channels[0], 1, 3, 3] */
  conv1: LinearWeights;
  /** [channels[1], channels[0], 3, 3] */
  conv2: LinearWeights;
  /** [classes, channels[1] * (imageSize / 4) ** 2], inputs in (channel, row, column) order. */
  dense: LinearWeights;
}

/** Returns the side of the feature map after both 2x2 pools ('same' convolutions keep it). */
export function cnnPooledSize(spec: CnnSpec): number {
  return Math.floor(Math.floor(spec.imageSize / 2) / 2);
}

function convWeights(seed: number, inChannels: number, outChannels: number): LinearWeights {
  const bound = layerBound(inChannels * 9);
  return {
    weight: uniform(seed, [outChannels, inChannels, 3, 3], -bound, bound),
    bias: uniform(seed + 1, [outChannels], -bound, bound),
  };
}

export function cnnWeights(spec: CnnSpec): CnnWeights {
  const [c1, c2] = spec.channels;
  const pooled = cnnPooledSize(spec);
  return {
    conv1: convWeights(200, 1, c1),
    conv2: convWeights(210, c1, c2),
    dense: linearWeights(220, c2 * pooled * pooled, spec.classes),
  };
}

export function cnnBatch(spec: CnnSpec): TrainingBatch {
  return {
    x: uniform(41, [spec.batch, 1, spec.imageSize, spec.imageSize], 0, 1),
    labels: labels(42, spec.batch, spec.classes),
  };
}

/** Transposes [rows, cols] to [cols, rows]: PyTorch's Linear weight to tfjs's dense kernel. */
export function transpose2d(t: HostTensor): HostTensor {
  const [rows, cols] = t.shape;
  const out = new Float32Array(t.values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = t.values[r * cols + c];
  }
  return { values: out, shape: [cols, rows] };
}

/** Moves a convolution filter from PyTorch's [out, in, kh, kw] to tfjs's [kh, kw, in, out]. */
export function oihwToHwio(t: HostTensor): HostTensor {
  const [o, i, h, w] = t.shape;
  const out = new Float32Array(t.values.length);
  for (let oo = 0; oo < o; oo++) {
    for (let ii = 0; ii < i; ii++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          out[((y * w + x) * i + ii) * o + oo] = t.values[((oo * i + ii) * h + y) * w + x];
        }
      }
    }
  }
  return { values: out, shape: [h, w, i, o] };
}

/**
 * Converts a dense weight [out, channels * side * side] to a tfjs kernel
 * [side * side * channels, out]. The input columns follow the (channel, row, column) order
 * of a PyTorch Flatten of NCHW, and the kernel rows the (row, column, channel) order of a
 * tfjs NHWC flatten.
 */
export function chwDenseToHwc(t: HostTensor, channels: number, side: number): HostTensor {
  const [outFeatures, inFeatures] = t.shape;
  const out = new Float32Array(t.values.length);
  for (let o = 0; o < outFeatures; o++) {
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < side * side; p++) {
        const hwcRow = p * channels + c;
        out[hwcRow * outFeatures + o] = t.values[o * inFeatures + c * side * side + p];
      }
    }
  }
  return { values: out, shape: [inFeatures, outFeatures] };
}

/** Moves a 4-D tensor from [n, c, h, w] to [n, h, w, c]. */
export function nchwToNhwc(t: HostTensor): HostTensor {
  const [n, c, h, w] = t.shape;
  const out = new Float32Array(t.values.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++)
        out[(b * h * w + p) * c + ch] = t.values[(b * c + ch) * h * w + p];
    }
  }
  return { values: out, shape: [n, h, w, c] };
}

/** Moves the flat values of a [n, h, w, c] tensor to [n, c, h, w] order. */
export function nhwcToNchw(values: Float32Array, shape: readonly number[]): Float32Array {
  const [n, h, w, c] = shape;
  const out = new Float32Array(values.length);
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++)
        out[(b * c + ch) * h * w + p] = values[(b * h * w + p) * c + ch];
    }
  }
  return out;
}
