import { basename, dirname, join, relative } from 'node:path';
import type { JobResult } from './job';
import { currentLoadAverage, describeMachine, describeSource } from './machine';
import { type BenchReport, buildReport, readReport, serializeReport, writeText } from './report';
import { renderRatioChart } from './report/chart';
import { renderResultsPage } from './report/results-page';
import {
  agreementNotes,
  buildTable,
  formatFigure,
  missingCellNotes,
  renderText,
} from './report/table';
import { runRounds } from './rounds';
import { type Mode, type WorkloadId, workloadSpec } from './workloads';

export interface BenchOptions {
  contenders: string[];
  workloads: WorkloadId[];
  rounds: number;
  mode: Mode;
  jsonPath: string;
  /** The CLI that children run. */
  cliPath: string;
  /** The bench's own arguments, recorded in the report. */
  args: string[];
  /** apps/bench, where git is asked for the commit. */
  appDir: string;
}

function progressLine(result: JobResult, round: number, rounds: number, mode: Mode): string {
  const head = `[round ${round}/${rounds}] ${result.workload} ${result.contender}:`;
  if (result.status !== 'ok') return `${head} ${result.status}: ${result.reason}`;
  const spec = workloadSpec(result.workload, mode);
  const sorted = [...result.samples].sort((a, b) => a - b);
  const figure = spec.workPerIteration / spec.unitScale / sorted[Math.floor(sorted.length / 2)];
  return `${head} ${formatFigure(figure)} ${spec.unit} (${result.samples.length} samples)`;
}

/** Returns the chart's path: beside the JSON, named after it. */
export function chartPathFor(jsonPath: string): string {
  return join(dirname(jsonPath), `${basename(jsonPath, '.json')}-ratios.svg`);
}

/** Lists what makes the run fail: failed cells, disagreeing outputs, leaked tensors. */
export function reportProblems(report: BenchReport): string[] {
  const failed = report.cells
    .filter((cell) => cell.status === 'failed')
    .map((cell) => `${cell.contender} failed on ${cell.workload}`);
  const disagreements = report.agreement
    .filter((a) => !a.ok)
    .map((a) => `${a.contender} disagrees with ${a.reference} on ${a.workload}`);
  const leaks = report.cells
    .filter((cell) => cell.leakedTensors !== 0)
    .map(
      (cell) => `${cell.contender} left ${cell.leakedTensors} tensors alive on ${cell.workload}`,
    );
  return [...failed, ...disagreements, ...leaks];
}

function printReport(report: BenchReport): void {
  console.log('Median figures (higher is better; ± is half the interquartile range):\n');
  console.log(renderText(buildTable(report, 'median')));
  console.log('\nFigures of the fastest sample:\n');
  console.log(renderText(buildTable(report, 'best')));
  console.log('');
  for (const note of [...missingCellNotes(report), ...agreementNotes(report)]) {
    console.log(`- ${note}`);
  }
}

/** Runs the rounds, prints the table and writes the JSON and chart. Returns the exit code. */
export async function runBench(options: BenchOptions): Promise<number> {
  const machine = describeMachine();
  const source = describeSource(options.appDir);
  console.error(
    `bench (${options.mode}): ${options.contenders.join(', ')} on ${options.workloads.join(', ')}, ` +
      `${options.rounds} rounds; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`,
  );
  const results = await runRounds({
    ...options,
    onResult: (result, round) =>
      console.error(progressLine(result, round, options.rounds, options.mode)),
  });
  machine.loadAverageEnd = currentLoadAverage();
  const specs = options.workloads.map((id) => workloadSpec(id, options.mode));
  const { args, mode, rounds } = options;
  const run = { args, mode, rounds, machine, source };
  const report = buildReport(run, options.contenders, specs, results);

  printReport(report);
  await writeText(options.jsonPath, serializeReport(report));
  await writeText(chartPathFor(options.jsonPath), renderRatioChart(report));
  console.error(`\nwrote ${options.jsonPath} and ${chartPathFor(options.jsonPath)}`);

  const problems = reportProblems(report);
  for (const problem of problems) console.error(`error: ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

/** Writes RESULTS.md and its chart into `appDir` from the report at `jsonPath`. */
export async function writeResultsPage(jsonPath: string, appDir: string): Promise<void> {
  const report = await readReport(jsonPath);
  const chartFile = 'RESULTS-ratios.svg';
  await writeText(join(appDir, chartFile), renderRatioChart(report));
  const jsonFile = relative(appDir, jsonPath);
  await writeText(join(appDir, 'RESULTS.md'), renderResultsPage(report, jsonFile, chartFile));
  console.error(`wrote ${join(appDir, 'RESULTS.md')} and ${chartFile} from ${jsonPath}`);
}
