import { ShapeError, ValueError } from '@tessera/tensor';

/**
 * The value that replaces a score whose denominator is 0: `0`, `1`, `NaN`, or `'warn'`, which
 * acts as 0 and adds a message to the result's `warnings`.
 */
export type ZeroDivision = number | 'warn';

/** Returns whether `value` looks like a Tessera `Tensor`: it has a `shape` array and `data()`. */
export function isTensorLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { data?: unknown; shape?: unknown };
  return typeof candidate.data === 'function' && Array.isArray(candidate.shape);
}

/** Throws unless `values` is an array or typed array; a Tensor gets a hint on how to read it. */
export function checkArrayLike(fn: string, name: string, values: unknown): void {
  if (isTensorLike(values)) {
    throw new ValueError(
      `${fn}: ${name} is a Tensor; read it first with \`await t.data()\`, ` +
        'or pass it to ClassificationMetrics.update, which accepts tensors',
    );
  }
  const length = (values as { length?: unknown } | null | undefined)?.length;
  if (typeof values === 'string' || typeof length !== 'number') {
    throw new ValueError(`${fn}: ${name} must be an array or typed array of numbers`);
  }
}

/**
 * Checks a pair of label arrays: both array-like, equally long, not empty, and integer-valued.
 */
export function checkLabelPair(
  fn: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): void {
  checkArrayLike(fn, 'yTrue', yTrue);
  checkArrayLike(fn, 'yPred', yPred);
  if (yTrue.length !== yPred.length) {
    throw new ShapeError(
      `${fn}: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; ` +
        'pass one prediction per sample',
    );
  }
  if (yTrue.length === 0) {
    throw new ValueError(`${fn}: yTrue and yPred are empty; at least one sample is required`);
  }
  checkIntegerLabels(fn, 'yTrue', yTrue);
  checkIntegerLabels(fn, 'yPred', yPred);
}

/** Throws on the first element of `values` that is not an integer. */
export function checkIntegerLabels(fn: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) {
      throw new ValueError(
        `${fn}: ${name}[${i}] is ${String(values[i])}; labels must be integer class ids`,
      );
    }
  }
}

/** Checks a `labels` option: a non-empty list of distinct integers. */
export function checkLabelsOption(fn: string, labels: readonly number[]): void {
  checkArrayLike(fn, 'labels', labels);
  if (labels.length === 0) {
    throw new ValueError(`${fn}: labels is empty; pass at least one label or omit the option`);
  }
  checkIntegerLabels(fn, 'labels', labels);
  const seen = new Set<number>();
  for (const label of labels) {
    if (seen.has(label)) {
      throw new ValueError(`${fn}: labels contains ${label} more than once`);
    }
    seen.add(label);
  }
}

/** Throws unless `zeroDivision` is 0, 1, NaN or 'warn', the values scikit-learn accepts. */
export function checkZeroDivision(fn: string, zeroDivision: ZeroDivision): void {
  const valid =
    zeroDivision === 'warn' ||
    zeroDivision === 0 ||
    zeroDivision === 1 ||
    (typeof zeroDivision === 'number' && Number.isNaN(zeroDivision));
  if (!valid) {
    throw new ValueError(
      `${fn}: zeroDivision is ${JSON.stringify(zeroDivision)}; it must be 0, 1, NaN or 'warn'`,
    );
  }
}

/** Formats a list of labels for a message, such as `[0, 2]`. */
export function formatLabels(labels: readonly number[]): string {
  return `[${labels.join(', ')}]`;
}
