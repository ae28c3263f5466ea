import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { findContender } from './contenders/registry';
import type { MachineInfo, SourceInfo } from './machine';
import type { RoundResult } from './rounds';
import {
  type Agreement,
  type Cell,
  checkAgreement,
  computeRatios,
  type Ratio,
  summarizeCell,
} from './summary';
import type { Mode, WorkloadSpec } from './workloads';

/** Everything one run measured, as `results/latest.json` stores it. */
export interface BenchReport {
  /** Bumped when a field changes meaning. */
  schema: 1;
  createdAt: string;
  /** The bench's own arguments, as typed after `pnpm bench --`. */
  args: string[];
  mode: Mode;
  rounds: number;
  machine: MachineInfo;
  source: SourceInfo;
  contenders: { name: string; role: 'tessera' | 'peer'; description: string }[];
  workloads: WorkloadSpec[];
  cells: Cell[];
  ratios: Ratio[];
  agreement: Agreement[];
}

function describeContender(name: string, results: RoundResult[]): string {
  const ok = results.find((result) => result.contender === name && result.status === 'ok');
  if (ok?.status === 'ok') return ok.description;
  return findContender(name)?.unavailable ?? 'did not run';
}

export function buildReport(
  run: { args: string[]; mode: Mode; rounds: number; machine: MachineInfo; source: SourceInfo },
  contenders: string[],
  specs: WorkloadSpec[],
  results: RoundResult[],
): BenchReport {
  const cells = specs.flatMap((spec) =>
    contenders.map((name) =>
      summarizeCell(
        spec,
        name,
        results.filter((r) => r.contender === name && r.workload === spec.id),
      ),
    ),
  );
  return {
    schema: 1,
    createdAt: new Date().toISOString(),
    ...run,
    contenders: contenders.map((name) => ({
      name,
      role: findContender(name)?.role ?? 'peer',
      description: describeContender(name, results),
    })),
    workloads: specs,
    cells,
    ratios: computeRatios(cells),
    agreement: checkAgreement(specs, results),
  };
}

export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** NaN, which marks a missing figure, is written as null and read back as NaN. */
export function serializeReport(report: BenchReport): string {
  return `${JSON.stringify(report, (_key, value) => (Number.isNaN(value) ? null : value), 2)}\n`;
}

export async function readReport(path: string): Promise<BenchReport> {
  const text = await readFile(path, 'utf8');
  const report = JSON.parse(text, (_key, value) => (value === null ? Number.NaN : value));
  if (report?.schema !== 1) {
    throw new Error(`${path} is not a bench report of schema 1; run the bench to write a new one`);
  }
  return report as BenchReport;
}
