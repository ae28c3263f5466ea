import type { BenchReport } from '../report';
import { formatFigure } from './table';

/**
 * An SVG bar chart of each Tessera contender's figure divided by the best peer's, one group
 * of bars per workload, on a log scale so that 0.1x and 10x are equally far from parity.
 */

const LAYOUT = {
  width: 820,
  labelWidth: 270,
  right: 70,
  top: 56,
  barHeight: 16,
  barGap: 4,
  groupGap: 14,
  axisHeight: 40,
};
const COLORS = ['#3b6fb6', '#d9822b', '#3a9a5b', '#9b59b6'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Returns the exponents of the powers of ten that cover every ratio and 1. */
function logDomain(ratios: number[]): [number, number] {
  const finite = ratios.filter((r) => Number.isFinite(r) && r > 0);
  const low = Math.floor(Math.log10(Math.min(1, ...finite)));
  const high = Math.ceil(Math.log10(Math.max(1, ...finite)));
  return [low, high === low ? low + 1 : high];
}

function axis(low: number, high: number, x: (ratio: number) => number, bottom: number): string[] {
  const parts: string[] = [];
  for (let power = low; power <= high; power++) {
    const at = x(10 ** power).toFixed(1);
    const stroke = power === 0 ? '#333' : '#ddd';
    parts.push(
      `<line x1="${at}" y1="${LAYOUT.top - 6}" x2="${at}" y2="${bottom}" stroke="${stroke}"/>`,
      `<text x="${at}" y="${bottom + 16}" text-anchor="middle">${Number((10 ** power).toPrecision(1))}x</text>`,
    );
  }
  return parts;
}

function legend(tessera: string[]): string[] {
  return tessera.map((name, i) => {
    const left = LAYOUT.labelWidth + i * 170;
    return (
      `<rect x="${left}" y="30" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>` +
      `<text x="${left + 18}" y="40">${escapeXml(name)} / best peer</text>`
    );
  });
}

/** Draws one bar from parity to `ratio`, or a note where the ratio is missing. */
function bar(ratio: number | undefined, y: number, color: string, x: (r: number) => number) {
  if (ratio === undefined || !(ratio > 0)) {
    return [`<text x="${x(1) + 6}" y="${y + 12}" fill="#888">not available</text>`];
  }
  const from = x(Math.min(1, ratio));
  const to = x(Math.max(1, ratio));
  const width = Math.max(1, to - from).toFixed(1);
  return [
    `<rect x="${from.toFixed(1)}" y="${y}" width="${width}" height="${LAYOUT.barHeight}" fill="${color}"/>`,
    ratio >= 1
      ? `<text x="${(to + 4).toFixed(1)}" y="${y + 12}">${formatFigure(ratio)}x</text>`
      : `<text x="${(from - 4).toFixed(1)}" y="${y + 12}" text-anchor="end">${formatFigure(ratio)}x</text>`,
  ];
}

export function renderRatioChart(report: BenchReport): string {
  const tessera = report.contenders.filter((c) => c.role === 'tessera').map((c) => c.name);
  const [low, high] = logDomain(report.ratios.map((r) => r.ratio));
  const plotWidth = LAYOUT.width - LAYOUT.labelWidth - LAYOUT.right;
  const x = (ratio: number) =>
    LAYOUT.labelWidth + ((Math.log10(ratio) - low) / (high - low)) * plotWidth;
  const barStep = LAYOUT.barHeight + LAYOUT.barGap;
  const groupHeight = tessera.length * barStep + LAYOUT.groupGap;
  const bottom = LAYOUT.top + report.workloads.length * groupHeight;
  const parts = [...axis(low, high, x, bottom), ...legend(tessera)];

  report.workloads.forEach((spec, row) => {
    const groupTop = LAYOUT.top + row * groupHeight;
    const labelY = groupTop + (groupHeight - LAYOUT.groupGap) / 2 + 4;
    const label = escapeXml(spec.label);
    parts.push(
      `<text x="${LAYOUT.labelWidth - 8}" y="${labelY}" text-anchor="end">${label}</text>`,
    );
    tessera.forEach((name, i) => {
      const ratio = report.ratios.find((r) => r.workload === spec.id && r.contender === name);
      parts.push(...bar(ratio?.ratio, groupTop + i * barStep, COLORS[i % COLORS.length], x));
    });
  });

  const title =
    'Tessera / best peer per workload (log scale; right of 1x is faster), ' +
    report.createdAt.slice(0, 10);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LAYOUT.width}" height="${bottom + LAYOUT.axisHeight}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="10" y="18" font-weight="bold">${escapeXml(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
