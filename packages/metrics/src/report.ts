import { ValueError } from '@tessera/tensor';
import { alignRight, codePointLength, formatFixed } from './format';
import { type AveragedScores, type PerLabelScores, scoreTally } from './scores';
import { type LabelTally, presentLabels } from './tally';
import { checkLabelsOption, type ZeroDivision } from './validate';

/** Options of `classificationReport` and `ClassificationMetrics.report`. */
export interface ReportOptions {
  /** Labels to report, in row order. Default: every label present in yTrue or yPred. */
  labels?: readonly number[];
  /** Row names, one per label. Default: the labels as text. */
  targetNames?: readonly string[];
  /** Decimal places of the scores in the text. Default 2; ignored by `outputDict`. */
  digits?: number;
  /** The value of a score whose denominator is 0. Default `'warn'`, which acts as 0. */
  zeroDivision?: ZeroDivision;
  /** Return an object keyed like scikit-learn's `output_dict` instead of the text. */
  outputDict?: boolean;
}

/** One row of the report. Keys match scikit-learn's `output_dict`. */
export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/**
 * The report as an object, keyed like scikit-learn's `output_dict`: one `ReportRow` per target
 * name, then `accuracy` (a number) or `micro avg`, then `macro avg` and `weighted avg`.
 *
 * NOTE: JavaScript iterates integer-like keys ('0', '1', ...) in ascending order before all
 * other keys, so the default row names do not keep the order of a reordered `labels` option.
 */
export type ClassificationReportDict = Record<string, ReportRow | number>;

const HEADERS = ['precision', 'recall', 'f1-score', 'support'];
/** The minimum width of the name column: the length of 'weighted avg', the widest heading. */
const MIN_NAME_WIDTH = 'weighted avg'.length;
/** Width of each score column, as in scikit-learn's `' {:>9}'`. */
const COLUMN_WIDTH = 9;

/** The per-label rows and the three average rows that make up a report. */
interface ReportData {
  names: string[];
  perLabel: PerLabelScores;
  /** Heading and scores of the micro, macro and weighted average rows, in that order. */
  averages: { heading: string; scores: AveragedScores }[];
  /** The summed support of the reported labels. */
  totalSupport: number;
}

/** Builds the classification report of a tally, as text or as an object. */
export function reportTally(
  fn: string,
  tally: LabelTally,
  options: ReportOptions,
): string | ClassificationReportDict {
  const { digits = 2, zeroDivision = 'warn', outputDict = false } = options;
  if (!Number.isInteger(digits) || digits < 0 || digits > 100) {
    throw new ValueError(`${fn}: digits is ${String(digits)}; it must be an integer from 0 to 100`);
  }

  const data = collectReportData(fn, tally, options.labels, options.targetNames, zeroDivision);
  return outputDict ? toReportDict(data) : formatReport(data, digits);
}

function collectReportData(
  fn: string,
  tally: LabelTally,
  requestedLabels: readonly number[] | undefined,
  targetNames: readonly string[] | undefined,
  zeroDivision: ZeroDivision,
): ReportData {
  const present = presentLabels(tally);
  if (requestedLabels !== undefined) checkLabelsOption(fn, requestedLabels);
  const labels = requestedLabels === undefined ? present : [...requestedLabels];
  if (targetNames !== undefined && targetNames.length !== labels.length) {
    // scikit-learn only warns and truncates the table when labels is given; this raises.
    throw new ValueError(
      `${fn}: targetNames has ${targetNames.length} names but there are ${labels.length} ` +
        'labels; pass one name per label, or set labels to the classes the names belong to',
    );
  }

  // The micro average equals accuracy unless some sample's label is left out of the report.
  // Recent scikit-learn releases test this as a superset; older ones required equal sets.
  const reported = new Set(labels);
  const microIsAccuracy = present.every((label) => reported.has(label));
  const averageOf = (average: 'micro' | 'macro' | 'weighted') =>
    scoreTally(fn, tally, { labels, average, zeroDivision }) as AveragedScores;

  const perLabel = scoreTally(fn, tally, { labels, zeroDivision }) as PerLabelScores;
  return {
    names: targetNames === undefined ? labels.map(String) : [...targetNames],
    perLabel,
    averages: [
      { heading: microIsAccuracy ? 'accuracy' : 'micro avg', scores: averageOf('micro') },
      { heading: 'macro avg', scores: averageOf('macro') },
      { heading: 'weighted avg', scores: averageOf('weighted') },
    ],
    totalSupport: perLabel.support.reduce((total, count) => total + count, 0),
  };
}

/**
 * Lays the report out as scikit-learn's `classification_report` does: a name column as wide as
 * the widest name, 'weighted avg' or `digits` (whichever is widest), then four columns of 9
 * characters, each after a space. The accuracy row shows only the f1-score and support.
 */
function formatReport(data: ReportData, digits: number): string {
  const maxNameLength = data.names.reduce((max, name) => Math.max(max, codePointLength(name)), 0);
  const width = Math.max(maxNameLength, MIN_NAME_WIDTH, digits);
  const formatScores = (scores: number[]) => scores.map((score) => formatFixed(score, digits));

  const labelLines = data.names.map((name, i) => {
    const { precision, recall, fScore, support } = data.perLabel;
    const cells = formatScores([precision[i], recall[i], fScore[i]]);
    return formatLine(name, width, [...cells, String(support[i])]);
  });

  const totalSupport = String(data.totalSupport);
  const averageLines = data.averages.map(({ heading, scores }) => {
    const cells =
      heading === 'accuracy'
        ? ['', '', ...formatScores([scores.fScore])]
        : formatScores([scores.precision, scores.recall, scores.fScore]);
    return formatLine(heading, width, [...cells, totalSupport]);
  });

  const header = formatLine('', width, HEADERS);
  return `${[header, '', ...labelLines, '', ...averageLines].join('\n')}\n`;
}

/** Formats a name right-aligned to `width` and a space, then each cell as ' {:>9}' does. */
function formatLine(name: string, width: number, cells: readonly string[]): string {
  const formattedCells = cells.map((cell) => ` ${alignRight(cell, COLUMN_WIDTH)}`);
  return `${alignRight(name, width)} ${formattedCells.join('')}`;
}

function toReportDict(data: ReportData): ClassificationReportDict {
  const report: ClassificationReportDict = {};
  const { perLabel } = data;
  data.names.forEach((name, i) => {
    report[name] = {
      precision: perLabel.precision[i],
      recall: perLabel.recall[i],
      'f1-score': perLabel.fScore[i],
      support: perLabel.support[i],
    };
  });

  for (const { heading, scores } of data.averages) {
    // scikit-learn stores accuracy as a bare number: the micro precision, which equals it.
    report[heading] =
      heading === 'accuracy'
        ? scores.precision
        : {
            precision: scores.precision,
            recall: scores.recall,
            'f1-score': scores.fScore,
            support: data.totalSupport,
          };
  }
  return report;
}
