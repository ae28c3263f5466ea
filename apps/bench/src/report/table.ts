import type { BenchReport } from '../report';
import { agreementExclusion, type Cell } from '../summary';

/** Formats three significant digits, without exponent notation for the figures seen here. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** The median figure with half the interquartile range, or the figure of the fastest sample. */
export type TableKind = 'median' | 'best';

function formatCell(cell: Cell | undefined, kind: TableKind): string {
  if (cell === undefined) return '-';
  if (cell.status === 'unsupported') return 'n/a';
  if (cell.status === 'failed') return 'failed';
  if (kind === 'best') return formatFigure(cell.bestFigure);
  return `${formatFigure(cell.figure)} ±${Math.round((cell.spread * 100) / 2)}%`;
}

/** A table of strings; columns listed in `leftAligned` hold text, the others figures. */
export interface Table {
  rows: string[][];
  leftAligned: Set<number>;
}

function ratioColumns(report: BenchReport, workload: string, tessera: string[]): string[] {
  const ratios = report.ratios.filter((r) => r.workload === workload);
  const ratioCells = tessera.map((name) => {
    const ratio = ratios.find((r) => r.contender === name);
    return ratio === undefined ? '-' : `${formatFigure(ratio.ratio)}x`;
  });
  return [ratios[0]?.bestPeer ?? '-', ...ratioCells];
}

/**
 * Builds one row per workload with one column per contender. The median table adds the
 * best peer and each Tessera contender's ratio to it. The first row is the header.
 */
export function buildTable(report: BenchReport, kind: TableKind = 'median'): Table {
  const tessera = report.contenders.filter((c) => c.role === 'tessera').map((c) => c.name);
  const withRatios = kind === 'median';
  const header = ['workload', 'unit', ...report.contenders.map((c) => c.name)];
  if (withRatios) header.push('best peer', ...tessera.map((name) => `${name} / best peer`));
  const rows = report.workloads.map((spec) => {
    const cells = report.contenders.map((c) =>
      formatCell(
        report.cells.find((x) => x.workload === spec.id && x.contender === c.name),
        kind,
      ),
    );
    const ratios = withRatios ? ratioColumns(report, spec.id, tessera) : [];
    return [spec.label, spec.unit, ...cells, ...ratios];
  });
  const leftAligned = new Set([0, 1, 2 + report.contenders.length]);
  return { rows: [header, ...rows], leftAligned };
}

export function renderText({ rows, leftAligned }: Table): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) =>
    row
      .map((text, column) =>
        leftAligned.has(column) ? text.padEnd(widths[column]) : text.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

/** Renders a Markdown table with padded columns, the layout Biome's formatter writes. */
export function renderMarkdown({ rows, leftAligned }: Table): string {
  const widths = rows[0].map((_, column) => Math.max(3, ...rows.map((row) => row[column].length)));
  const pad = (text: string, column: number) =>
    leftAligned.has(column) ? text.padEnd(widths[column]) : text.padStart(widths[column]);
  const line = (row: string[]) => `| ${row.map(pad).join(' | ')} |`;
  const rule = widths.map((width, column) =>
    leftAligned.has(column) ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`,
  );
  return [line(rows[0]), `| ${rule.join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}

/**
 * Lists the cells without a figure with the reason, one line per contender, status and reason,
 * so a contender that lacks many workloads for one reason gets one line.
 */
export function missingCellNotes(report: BenchReport): string[] {
  const groups = new Map<
    string,
    { contender: string; label: string; reason: string; workloads: string[] }
  >();
  for (const cell of report.cells) {
    if (cell.status === 'ok') continue;
    const label = cell.status === 'failed' ? 'failed' : 'not available';
    const reason =
      cell.reason === undefined || cell.reason === '' ? 'no reason given' : cell.reason;
    const key = JSON.stringify([cell.contender, label, reason]);
    const group = groups.get(key) ?? { contender: cell.contender, label, reason, workloads: [] };
    group.workloads.push(cell.workload);
    groups.set(key, group);
  }
  return [...groups.values()].map(
    (g) => `${g.contender} on ${g.workloads.join(', ')}: ${g.label}: ${g.reason}`,
  );
}

/**
 * Lists the agreement checks, one line each, marked DISAGREE where one fails, then the
 * measured cells left out of the check, with the reason.
 */
export function agreementNotes(report: BenchReport): string[] {
  const checks = report.agreement.map((a) => {
    const errors = `${a.firstError.toExponential(1)} then ${a.secondError.toExponential(1)}`;
    const verdict = a.ok ? 'agree' : 'DISAGREE';
    return `${a.workload}: ${a.contender} and ${a.reference} ${verdict} (relative error ${errors}, tolerance ${a.tolerance.toExponential(0)})`;
  });
  const excluded = report.cells.flatMap((cell) => {
    const reason = agreementExclusion(cell.contender);
    if (cell.status !== 'ok' || reason === undefined) return [];
    return [`${cell.workload}: ${cell.contender} is not compared with the others: ${reason}`];
  });
  return [...checks, ...excluded];
}
