import { describe, expect, it } from 'vitest';
import type { Contender } from '../src/contender';
import { brainjsCpu, brainjsGpu } from '../src/contenders/brainjs';
import { mlpBatch, mlpWeights } from '../src/data';
import { runJob } from '../src/job';
import type { MlpSpec } from '../src/workloads';

const SMALL: MlpSpec = { kind: 'mlp', batch: 4, widths: [16, 8, 4, 3], lr: 0.01 };

/** Runs `steps` MLP steps of `spec` on `contender` and returns the losses. */
async function losses(contender: Contender, spec: MlpSpec, steps: number): Promise<number[]> {
  await contender.setup();
  const build = contender.workloads.mlp;
  if (build === undefined) throw new Error(`${contender.name} has no MLP workload`);
  const prepared = await build(spec);
  try {
    const values: number[] = [];
    for (let i = 0; i < steps; i++) {
      const output = await prepared.step();
      expect(output.length).toBe(1);
      values.push(output[0]);
    }
    return values;
  } finally {
    prepared.dispose();
    await contender.teardown();
  }
}

/** Computes brain.js's squared error for the first sample: ReLU on every layer, no update. */
function firstSampleError(spec: MlpSpec): number {
  const { x, labels } = mlpBatch(spec);
  let activations = Array.from(x.values.subarray(0, spec.widths[0]));
  for (const { weight, bias } of mlpWeights(spec)) {
    const [outFeatures, inFeatures] = weight.shape;
    const next: number[] = [];
    for (let o = 0; o < outFeatures; o++) {
      let sum = bias.values[o];
      for (let i = 0; i < inFeatures; i++)
        sum += weight.values[o * inFeatures + i] * activations[i];
      next.push(Math.max(0, sum));
    }
    activations = next;
  }
  const errors = activations.map((value, i) => (i === labels[0] ? 1 : 0) - value);
  return errors.reduce((sum, e) => sum + e * e, 0) / errors.length;
}

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Number.MIN_VALUE);
}

describe('brainjs contender', () => {
  it('loads the seeded weights', async () => {
    const spec = { ...SMALL, batch: 1 };
    const [loss] = await losses(brainjsCpu, spec, 1);
    expect(relativeDifference(firstSampleError(spec), loss)).toBeLessThan(1e-6);
  });

  it('trains on every step', async () => {
    const values = await losses(brainjsCpu, SMALL, 3);
    for (const value of values) expect(Number.isFinite(value)).toBe(true);
    expect(values[1]).not.toBe(values[0]);
    expect(values[2]).not.toBe(values[1]);
  });

  it('runs only the MLP workload', () => {
    expect(Object.keys(brainjsCpu.workloads)).toEqual(['mlp']);
    expect(Object.keys(brainjsGpu.workloads)).toEqual(['mlp']);
    expect(brainjsCpu.unsupportedReason('matmul')).toContain('MLP step only');
  });

  it('times a quick MLP job', { timeout: 30_000 }, async () => {
    const result = await runJob('brainjs', 'mlp-step', 'quick');
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.description).toMatch(/^brain\.js 2\.0\.0-beta\.24 NeuralNetwork \(CPU\)/);
    expect(result.samples.length).toBeGreaterThan(0);
    expect(result.first.length).toBe(1);
  });

  it('reports other workloads as unsupported', async () => {
    const result = await runJob('brainjs', 'add', 'quick');
    expect(result.status).toBe('unsupported');
  });
});

describe('brainjs-gpu contender', () => {
  it('matches the CPU network', { timeout: 30_000 }, async () => {
    const cpu = await losses(brainjsCpu, SMALL, 2);
    const gpu = await losses(brainjsGpu, SMALL, 2);
    // float32 on the GPU network against float64 sums on the CPU one.
    expect(relativeDifference(cpu[0], gpu[0])).toBeLessThan(1e-5);
    expect(relativeDifference(cpu[1], gpu[1])).toBeLessThan(1e-5);
  });

  it('names the gpu.js mode', { timeout: 30_000 }, async () => {
    const result = await runJob('brainjs-gpu', 'mlp-step', 'quick');
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.description).toMatch(/NeuralNetworkGPU on gpu\.js \S+, mode \w+/);
    // Under a display (CI runs the tests in xvfb-run) gpu.js picks headless-gl.
    if (process.env.DISPLAY) expect(result.description).toContain('mode gpu,');
  });
});
