import type { BenchReport } from '../report';
import { agreementExclusion } from '../summary';
import { agreementNotes, buildTable, missingCellNotes, renderMarkdown } from './table';

/** Cells whose spread (interquartile range over median) exceeds this get a warning. */
const NOISY_SPREAD = 0.2;

function command(report: BenchReport): string {
  return report.args.length === 0 ? 'pnpm bench' : `pnpm bench -- ${report.args.join(' ')}`;
}

function machineLines(report: BenchReport): string[] {
  const m = report.machine;
  const load =
    m.loadAverageEnd === undefined
      ? m.loadAverageStart.toFixed(2)
      : `${m.loadAverageStart.toFixed(2)} at the start, ${m.loadAverageEnd.toFixed(2)} at the end`;
  return [
    `- CPU: ${m.cpuModel}, ${m.cores} logical cores`,
    `- Node ${m.node} on ${m.platform}, ${m.memoryGiB} GiB of memory`,
    `- 1-minute load average: ${load}`,
  ];
}

function sourceLine(report: BenchReport): string {
  const { commit, uncommittedChanges } = report.source;
  const changes = uncommittedChanges ? ' with uncommitted changes in packages/ or apps/bench/' : '';
  return `Tessera was built from commit \`${commit}\`${changes}.`;
}

/** Noisy cells are named one by one up to this count, and only counted above it. */
const NOISY_CELLS_NAMED = 5;

function noiseWarning(report: BenchReport): string[] {
  const measured = report.cells.filter((cell) => cell.status === 'ok');
  const noisy = measured.filter((cell) => cell.spread > NOISY_SPREAD);
  if (noisy.length === 0) return [];
  const which =
    noisy.length <= NOISY_CELLS_NAMED
      ? `: ${noisy.map((cell) => `${cell.contender} on ${cell.workload}`).join(', ')}`
      : '';
  return [
    '',
    `The samples of ${noisy.length} of ${measured.length} cells spread by more than ` +
      `${NOISY_SPREAD * 100}% (interquartile range over the median)${which}. A spread this ` +
      'wide usually means other work shared the machine (compare the load average with the ' +
      'core count); treat those figures as rough.',
  ];
}

const METHOD_LINES = [
  '## How it is measured',
  '',
  '- Every contender gets the same shapes and the same seeded inputs and initial weights.',
  '- Each (contender, workload) pair runs in its own Node process; rounds interleave them ' +
    '(every contender on workload A, then on B, ...), so a busy spell hits all alike.',
  '- A step reads its result back to the host with `await t.data()`, so queued device work ' +
    'is timed. Elementwise GB/s count the bytes the op reads and writes, not the read back.',
  '- Warm-up first (at least two steps), then samples of repeated steps; garbage is ' +
    'collected and every tensor freed between samples.',
  '- Training steps: forward, softmax cross-entropy, backward and an SGD update (lr 0.01).',
  "- Reading a result copies it in Tessera's CPU backend, while tfjs-backend-cpu 4.22.0 " +
    "hands back its own array; the copy is in Tessera's time, as it is for its users.",
];

/** Lists the contenders of `report` left out of the agreement check, grouped by reason. */
function exclusionLines(report: BenchReport): string[] {
  const byReason = new Map<string, string[]>();
  for (const { name } of report.contenders) {
    const reason = agreementExclusion(name);
    if (reason !== undefined) byReason.set(reason, [...(byReason.get(reason) ?? []), name]);
  }
  return [...byReason].map(([reason, names]) => {
    const listed = names.map((name) => `\`${name}\``).join(' and ');
    const verb = names.length === 1 ? 'is' : 'are';
    return `- ${listed} ${verb} left out of the output check: ${reason}.`;
  });
}

function figureLines(report: BenchReport, chartFile: string): string[] {
  return [
    '## Figures',
    '',
    "Each cell is the median over all samples of all rounds, in the row's unit (higher is " +
      'better); ± is half the interquartile range of the samples relative to the median. ' +
      "The last columns divide each Tessera backend's median by the best peer's (a " +
      'TensorFlow.js or brain.js backend) on that row.',
    '',
    renderMarkdown(buildTable(report, 'median')),
    ...noiseWarning(report),
    '',
    'The fastest sample of each cell, the figure least disturbed by other work:',
    '',
    renderMarkdown(buildTable(report, 'best')),
    '',
    `![Tessera / best peer per workload](${chartFile})`,
  ];
}

/**
 * Renders RESULTS.md: the tables of `report` with the command, the machine and how to read
 * them. `jsonFile` and `chartFile` are paths relative to the page.
 */
export function renderResultsPage(
  report: BenchReport,
  jsonFile: string,
  chartFile: string,
): string {
  const rounds = report.rounds === 1 ? '1 round' : `${report.rounds} rounds`;
  const notes = [...missingCellNotes(report), ...agreementNotes(report)];
  const lines = [
    '# Benchmark results',
    '',
    `Measured ${report.createdAt.slice(0, 16).replace('T', ' ')} UTC with \`${command(report)}\` ` +
      `(${report.mode} mode, ${rounds}). \`pnpm bench -- --write-results\` wrote this page ` +
      `from \`${jsonFile}\`; run the bench and then that command to update it.`,
    '',
    '## Machine',
    '',
    ...machineLines(report),
    '',
    sourceLine(report),
    '',
    '## Contenders',
    '',
    ...report.contenders.map((c) => `- \`${c.name}\`: ${c.description}`),
    '',
    ...figureLines(report, chartFile),
    '',
    ...METHOD_LINES,
    ...exclusionLines(report),
    '',
    '## Cells without a figure and output checks',
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ];
  return lines.join('\n');
}
