import type { Contender, PreparedWorkload, WorkloadBuilders } from './contender';
import { findContender } from './contenders/registry';
import { type Digest, digest } from './digest';
import { MEASURE_OPTIONS, measure } from './measure';
import { type Mode, type WorkloadId, type WorkloadSpec, workloadSpec } from './workloads';

/** The outcome of one child process: one contender on one workload. */
export type JobResult =
  | {
      status: 'ok';
      contender: string;
      workload: WorkloadId;
      description: string;
      /** Seconds per iteration, one entry per sample. */
      samples: number[];
      iterationsPerSample: number;
      warmupIterations: number;
      /** Seconds of the first step alone, which include one-time work such as compiling shaders. */
      firstStepSeconds: number;
      /** The first step's output (for training, the loss before any update). */
      first: Digest;
      /** The second step's output (for training, the loss after one update). */
      second: Digest;
      /** Tensors alive after sampling minus those alive before it; 0 when steps free all. */
      leakedTensors: number;
    }
  | { status: 'unsupported' | 'failed'; contender: string; workload: WorkloadId; reason: string };

function builderFor(
  workloads: WorkloadBuilders,
  spec: WorkloadSpec,
): (() => Promise<PreparedWorkload>) | undefined {
  switch (spec.kind) {
    case 'matmul':
      return workloads.matmul && (() => workloads.matmul!(spec));
    case 'add':
      return workloads.add && (() => workloads.add!(spec));
    case 'exp':
      return workloads.exp && (() => workloads.exp!(spec));
    case 'mlp':
      return workloads.mlp && (() => workloads.mlp!(spec));
    case 'cnn':
      return workloads.cnn && (() => workloads.cnn!(spec));
    case 'sum-rows':
    case 'max-rows':
    case 'argmax-rows':
    case 'softmax-rows': {
      const build = workloads[spec.kind];
      return build && (() => build(spec));
    }
    case 'transpose':
      return workloads.transpose && (() => workloads.transpose!(spec));
    case 'gather':
      return workloads.gather && (() => workloads.gather!(spec));
    case 'concat':
      return workloads.concat && (() => workloads.concat!(spec));
    case 'where':
      return workloads.where && (() => workloads.where!(spec));
    case 'slice':
      return workloads.slice && (() => workloads.slice!(spec));
    case 'conv2d':
      return workloads.conv2d && (() => workloads.conv2d!(spec));
  }
}

async function timeStep(prepared: PreparedWorkload): Promise<[Float32Array, number]> {
  const start = performance.now();
  const output = await prepared.step();
  return [output, (performance.now() - start) / 1000];
}

async function measurePrepared(
  contender: Contender,
  prepared: PreparedWorkload,
  mode: Mode,
  base: { contender: string; workload: WorkloadId },
): Promise<JobResult> {
  const [first, firstStepSeconds] = await timeStep(prepared);
  const [second, secondStepSeconds] = await timeStep(prepared);
  const toCommonLayout = prepared.toCommonLayout ?? ((output: Float32Array) => output);
  const liveBefore = contender.liveTensors();
  const measurement = await measure(() => prepared.step(), MEASURE_OPTIONS[mode], {
    iterations: 1,
    seconds: secondStepSeconds,
  });
  return {
    status: 'ok',
    ...base,
    description: contender.describe(),
    ...measurement,
    warmupIterations: measurement.warmupIterations + 1,
    firstStepSeconds,
    first: digest(toCommonLayout(first)),
    second: digest(toCommonLayout(second)),
    leakedTensors: contender.liveTensors() - liveBefore,
  };
}

/** Runs one contender on one workload in this process. */
export async function runJob(name: string, workload: WorkloadId, mode: Mode): Promise<JobResult> {
  const base = { contender: name, workload };
  const entry = findContender(name);
  if (entry === undefined) return { status: 'failed', ...base, reason: `unknown contender` };
  if (entry.unavailable !== undefined) {
    return { status: 'unsupported', ...base, reason: entry.unavailable };
  }
  const contender = await entry.load();
  await contender.setup();
  const spec = workloadSpec(workload, mode);
  const build = builderFor(contender.workloads, spec);
  if (build === undefined) {
    return { status: 'unsupported', ...base, reason: contender.unsupportedReason(spec.kind) };
  }
  const prepared = await build();
  try {
    return await measurePrepared(contender, prepared, mode, base);
  } finally {
    prepared.dispose();
    await contender.teardown();
  }
}
