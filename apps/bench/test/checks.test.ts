import { describe, expect, it } from 'vitest';
import { reportProblems } from '../src/bench';
import { chwDenseToHwc, oihwToHwio, transpose2d, uniform } from '../src/data';
import { digest, relativeError } from '../src/digest';
import { buildReport } from '../src/report';
import { renderResultsPage } from '../src/report/results-page';
import { agreementNotes } from '../src/report/table';
import type { RoundResult } from '../src/rounds';
import { type WorkloadId, workloadSpec } from '../src/workloads';

const machine = {
  cpuModel: 'test',
  cores: 1,
  node: 'v0',
  platform: 'test',
  memoryGiB: 1,
  loadAverageStart: 0,
};

function okJob(
  contender: string,
  output: number[],
  seconds: number,
  workload: WorkloadId = 'matmul-128',
): RoundResult {
  return {
    status: 'ok',
    round: 1,
    contender,
    workload,
    description: contender,
    samples: [seconds, seconds * 1.1, seconds * 0.9],
    iterationsPerSample: 1,
    warmupIterations: 2,
    firstStepSeconds: seconds,
    first: digest(Float32Array.from(output)),
    second: digest(Float32Array.from(output)),
    leakedTensors: 0,
  };
}

describe('relativeError', () => {
  it('is zero for equal outputs', () => {
    const a = digest(Float32Array.from([1, -2, 3]));
    expect(relativeError(a, a)).toBe(0);
  });

  it('scales by the largest reference value', () => {
    const a = digest(Float32Array.from([1, -2, 4]));
    const b = digest(Float32Array.from([1, -2, 5]));
    expect(relativeError(a, b)).toBeCloseTo(0.25);
  });

  it('is infinite for other lengths or NaN', () => {
    const a = digest(Float32Array.from([1, 2]));
    expect(relativeError(a, digest(Float32Array.from([1, 2, 3])))).toBe(Infinity);
    expect(relativeError(a, digest(Float32Array.from([1, Number.NaN])))).toBe(Infinity);
  });
});

describe('report checks', () => {
  const spec = workloadSpec('matmul-128', 'quick');
  const source = { commit: 'test', uncommittedChanges: false };
  const run = { args: [], mode: 'quick' as const, rounds: 1, machine, source };

  it('passes agreeing contenders and divides by the best peer', () => {
    const results = [okJob('tessera-cpu', [1, 2, 3], 0.01), okJob('tfjs-cpu', [1, 2, 3], 0.02)];
    const report = buildReport(run, ['tessera-cpu', 'tfjs-cpu'], [spec], results);
    expect(reportProblems(report)).toEqual([]);
    expect(report.ratios).toHaveLength(1);
    expect(report.ratios[0].bestPeer).toBe('tfjs-cpu');
    expect(report.ratios[0].ratio).toBeCloseTo(2);
  });

  it('fails a contender whose output differs', () => {
    const results = [okJob('tessera-cpu', [1, 2, 3], 0.01), okJob('tfjs-cpu', [1, 2, 3.1], 0.02)];
    const report = buildReport(run, ['tessera-cpu', 'tfjs-cpu'], [spec], results);
    expect(report.agreement[0].ok).toBe(false);
    expect(reportProblems(report)).toEqual(['tfjs-cpu disagrees with tessera-cpu on matmul-128']);
  });

  it('fails a failed job but not an unsupported one', () => {
    const results: RoundResult[] = [
      { status: 'failed', round: 1, contender: 'tessera-cpu', workload: 'matmul-128', reason: 'x' },
      {
        status: 'unsupported',
        round: 1,
        contender: 'tfjs-cpu',
        workload: 'matmul-128',
        reason: 'y',
      },
    ];
    const report = buildReport(run, ['tessera-cpu', 'tfjs-cpu'], [spec], results);
    expect(reportProblems(report)).toEqual(['tessera-cpu failed on matmul-128']);
    expect(report.cells[1].status).toBe('unsupported');
  });
});

describe('agreement exclusion', () => {
  const spec = workloadSpec('mlp-step', 'quick');
  const source = { commit: 'test', uncommittedChanges: false };
  const run = { args: [], mode: 'quick' as const, rounds: 1, machine, source };
  const contenders = ['brainjs', 'tessera-cpu', 'tfjs-cpu', 'brainjs-gpu'];
  // brain.js runs first, so it would be the reference if it were not excluded.
  const results = [
    okJob('brainjs', [0.097], 0.2, 'mlp-step'),
    okJob('tessera-cpu', [2.3], 0.01, 'mlp-step'),
    okJob('tfjs-cpu', [2.3], 0.02, 'mlp-step'),
    okJob('brainjs-gpu', [0.098], 0.5, 'mlp-step'),
  ];
  const report = buildReport(run, contenders, [spec], results);

  it('compares only the other contenders', () => {
    expect(report.agreement).toHaveLength(1);
    expect(report.agreement[0].reference).toBe('tessera-cpu');
    expect(report.agreement[0].contender).toBe('tfjs-cpu');
    expect(reportProblems(report)).toEqual([]);
  });

  it('keeps brain.js among the peers', () => {
    expect(report.ratios[0].bestPeer).toBe('tfjs-cpu');
    expect(report.cells.find((cell) => cell.contender === 'brainjs')?.status).toBe('ok');
  });

  it('says so in the notes and the page', () => {
    const notes = agreementNotes(report);
    expect(notes).toContainEqual(
      expect.stringMatching(/^mlp-step: brainjs is not compared with the others: a brain\.js/),
    );
    expect(notes).toContainEqual(
      expect.stringMatching(/^mlp-step: brainjs-gpu is not compared with the others: /),
    );
    const page = renderResultsPage(report, 'results/quick.json', 'chart.svg');
    const method = page.slice(page.indexOf('## How it is measured'));
    expect(method).toContain(
      '- `brainjs` and `brainjs-gpu` are left out of the output check: a brain.js step is',
    );
  });

  it('adds no method line without brain.js', () => {
    const others = buildReport(run, ['tessera-cpu', 'tfjs-cpu'], [spec], results.slice(1, 3));
    expect(renderResultsPage(others, 'results/quick.json', 'chart.svg')).not.toContain(
      'left out of the output check',
    );
  });
});

describe('weight layouts for tfjs', () => {
  it('transposes a Linear weight', () => {
    const t = transpose2d({ values: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
    expect(t.shape).toEqual([3, 2]);
    expect([...t.values]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('moves a filter from OIHW to HWIO', () => {
    const w = uniform(1, [4, 3, 2, 5], -1, 1);
    const hwio = oihwToHwio(w);
    expect(hwio.shape).toEqual([2, 5, 3, 4]);
    // Element [o=3, i=1, h=1, w=2] lands at [h=1, w=2, i=1, o=3].
    expect(hwio.values[((1 * 5 + 2) * 3 + 1) * 4 + 3]).toBe(
      w.values[((3 * 3 + 1) * 2 + 1) * 5 + 2],
    );
  });

  it('reorders dense inputs from (c, h, w) to (h, w, c)', () => {
    const channels = 2;
    const side = 3;
    const w = uniform(2, [4, channels * side * side], -1, 1);
    const hwc = chwDenseToHwc(w, channels, side);
    expect(hwc.shape).toEqual([channels * side * side, 4]);
    // Output 1 reads channel 1, row 2, column 0.
    const chw = 1 * side * side + 2 * side + 0;
    const hwcRow = (2 * side + 0) * channels + 1;
    expect(hwc.values[hwcRow * 4 + 1]).toBe(w.values[1 * channels * side * side + chw]);
  });
});
