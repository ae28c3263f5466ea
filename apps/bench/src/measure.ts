import type { Mode } from './workloads';

/** How long one child spends on its workload; all times in seconds. */
export interface MeasureOptions {
  /** Warm-up lasts at least this long and at least two iterations. */
  warmupSeconds: number;
  /** Each sample repeats the step until it lasts at least this long. */
  sampleSeconds: number;
  minSamples: number;
  maxSamples: number;
  /** Sampling stops once it has taken this long and has `minSamples`. */
  budgetSeconds: number;
  /**
   * Past this, warm-up and sampling stop as soon as they have one iteration or one sample, so
   * that a step of several seconds (tfjs-cpu's CNN step, a 1024 matmul on an emulated GPU)
   * does not stall the run.
   */
  slowStepSeconds: number;
}

export const MEASURE_OPTIONS: Record<Mode, MeasureOptions> = {
  full: {
    warmupSeconds: 0.3,
    sampleSeconds: 0.1,
    minSamples: 3,
    maxSamples: 9,
    budgetSeconds: 2,
    slowStepSeconds: 6,
  },
  quick: {
    warmupSeconds: 0.05,
    sampleSeconds: 0.02,
    minSamples: 2,
    maxSamples: 3,
    budgetSeconds: 0.3,
    slowStepSeconds: 2,
  },
};

export interface Measurement {
  /** Seconds per iteration, one entry per sample. */
  samples: number[];
  iterationsPerSample: number;
  warmupIterations: number;
}

const now = () => performance.now() / 1000;

/** Frees garbage between samples when the process runs with --expose-gc. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Warms `step` up, then times samples of `iterationsPerSample` steps each. `done` counts
 * steps the caller already ran (they count toward warm-up).
 */
export async function measure(
  step: () => Promise<unknown>,
  options: MeasureOptions,
  done = { iterations: 0, seconds: 0 },
): Promise<Measurement> {
  let warmupIterations = done.iterations;
  let warmupSeconds = done.seconds;
  let lastStep = warmupIterations > 0 ? warmupSeconds / warmupIterations : 0;
  while (warmupIterations < 2 || warmupSeconds < options.warmupSeconds) {
    if (warmupIterations >= 1 && lastStep > options.slowStepSeconds) break;
    const start = now();
    await step();
    lastStep = now() - start;
    warmupSeconds += lastStep;
    warmupIterations++;
  }

  const iterationsPerSample = Math.max(1, Math.ceil(options.sampleSeconds / lastStep));
  const samples: number[] = [];
  let sampling = 0;
  while (samples.length < options.maxSamples) {
    const enough = samples.length >= options.minSamples || lastStep > options.slowStepSeconds;
    if (samples.length > 0 && enough && sampling >= options.budgetSeconds) break;
    collectGarbage();
    const start = now();
    for (let i = 0; i < iterationsPerSample; i++) await step();
    const seconds = now() - start;
    sampling += seconds;
    samples.push(seconds / iterationsPerSample);
  }
  return { samples, iterationsPerSample, warmupIterations };
}
