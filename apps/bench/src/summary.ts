import { CONTENDERS } from './contenders/registry';
import { relativeError } from './digest';
import type { RoundResult } from './rounds';
import type { WorkloadSpec } from './workloads';

/** One contender on one workload, over all rounds. */
export interface Cell {
  contender: string;
  workload: string;
  status: 'ok' | 'unsupported' | 'failed';
  /** The reason the cell has no figure. */
  reason?: string;
  /** Seconds per iteration of every sample of every round. */
  samples: number[];
  medianSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  /** The interquartile range of the samples over their median, which a few outliers from a
   * busy machine do not move much. */
  spread: number;
  /** The workload's figure at the median time. */
  figure: number;
  /** The figure at the fastest sample. */
  bestFigure: number;
  firstStepSeconds: number;
  /** The largest count of tensors a job left alive over its samples. */
  leakedTensors: number;
}

/** A Tessera contender's figure divided by the best peer's on one workload. */
export interface Ratio {
  workload: string;
  contender: string;
  bestPeer: string;
  ratio: number;
}

/** Whether a contender's outputs match the reference contender's on one workload. */
export interface Agreement {
  workload: string;
  contender: string;
  reference: string;
  /** Error of the first step's output (for training, the loss before any update). */
  firstError: number;
  /** Error of the second step's output (for training, the loss after one update). */
  secondError: number;
  tolerance: number;
  ok: boolean;
}

/** Returns the q-quantile of sorted values, interpolating linearly between neighbors. */
function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function emptyCell(contender: string, workload: string, status: Cell['status'], reason: string) {
  const cell: Cell = {
    contender,
    workload,
    status,
    reason,
    samples: [],
    medianSeconds: Number.NaN,
    minSeconds: Number.NaN,
    maxSeconds: Number.NaN,
    spread: Number.NaN,
    figure: Number.NaN,
    bestFigure: Number.NaN,
    firstStepSeconds: Number.NaN,
    leakedTensors: 0,
  };
  return cell;
}

/** Pools the samples of all rounds; a cell with any failed round is failed. */
export function summarizeCell(spec: WorkloadSpec, contender: string, jobs: RoundResult[]): Cell {
  const failed = jobs.find((job) => job.status === 'failed');
  if (failed?.status === 'failed') return emptyCell(contender, spec.id, 'failed', failed.reason);
  const unsupported = jobs.find((job) => job.status === 'unsupported');
  if (unsupported?.status === 'unsupported' || jobs.length === 0) {
    const reason = unsupported?.status === 'unsupported' ? unsupported.reason : 'not run';
    return emptyCell(contender, spec.id, 'unsupported', reason);
  }
  const ok = jobs.flatMap((job) => (job.status === 'ok' ? [job] : []));
  const samples = ok.flatMap((job) => job.samples);
  const sorted = [...samples].sort((a, b) => a - b);
  const medianSeconds = quantile(sorted, 0.5);
  const perSecond = spec.workPerIteration / spec.unitScale;
  return {
    contender,
    workload: spec.id,
    status: 'ok',
    samples,
    medianSeconds,
    minSeconds: sorted[0],
    maxSeconds: sorted[sorted.length - 1],
    spread: (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / medianSeconds,
    figure: perSecond / medianSeconds,
    bestFigure: perSecond / sorted[0],
    firstStepSeconds: quantile(
      ok.map((job) => job.firstStepSeconds).sort((a, b) => a - b),
      0.5,
    ),
    leakedTensors: Math.max(...ok.map((job) => job.leakedTensors)),
  };
}

function roleOf(name: string): 'tessera' | 'peer' {
  return CONTENDERS.find((entry) => entry.name === name)?.role ?? 'peer';
}

/** Divides each Tessera contender's figure by the best peer's, where both have one. */
export function computeRatios(cells: Cell[]): Ratio[] {
  const ratios: Ratio[] = [];
  for (const workload of new Set(cells.map((cell) => cell.workload))) {
    const row = cells.filter((cell) => cell.workload === workload && cell.status === 'ok');
    const peers = row.filter((cell) => roleOf(cell.contender) === 'peer');
    if (peers.length === 0) continue;
    const best = peers.reduce((a, b) => (b.figure > a.figure ? b : a));
    for (const cell of row.filter((c) => roleOf(c.contender) === 'tessera')) {
      ratios.push({
        workload,
        contender: cell.contender,
        bestPeer: best.contender,
        ratio: cell.figure / best.figure,
      });
    }
  }
  return ratios;
}

/** Returns the reason `name`'s outputs are not compared with the others', if they are not. */
export function agreementExclusion(name: string): string | undefined {
  return CONTENDERS.find((entry) => entry.name === name)?.agreementExclusion;
}

/**
 * Compares every contender's first two outputs on each workload with those of the first
 * contender that ran it, using the first round (every round gets the same inputs).
 * Contenders with an `agreementExclusion` are neither compared nor used as the reference.
 */
export function checkAgreement(specs: WorkloadSpec[], results: RoundResult[]): Agreement[] {
  const agreements: Agreement[] = [];
  for (const spec of specs) {
    const jobs = results.flatMap((job) =>
      job.status === 'ok' &&
      job.round === 1 &&
      job.workload === spec.id &&
      agreementExclusion(job.contender) === undefined
        ? [job]
        : [],
    );
    const [reference, ...others] = jobs;
    for (const other of others) {
      const firstError = relativeError(reference.first, other.first);
      const secondError = relativeError(reference.second, other.second);
      agreements.push({
        workload: spec.id,
        contender: other.contender,
        reference: reference.contender,
        firstError,
        secondError,
        tolerance: spec.tolerance,
        ok: firstError <= spec.tolerance && secondError <= spec.tolerance,
      });
    }
  }
  return agreements;
}
