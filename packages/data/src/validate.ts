import { ValueError } from '@tessera/tensor';

/** The largest seed, because `Random` takes seeds as unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

/** Formats a value for an error message, with strings quoted and arrays bracketed. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  return String(value);
}

/** Throws a ValueError unless `value` is an integer in [min, max]. */
export function checkInteger(
  caller: string,
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ValueError(
      `${caller}: ${name} must be an integer ${range}, got ${describeValue(value)}`,
    );
  }
}

/** Throws a ValueError unless `value` is a boolean. */
export function checkBoolean(
  caller: string,
  name: string,
  value: unknown,
): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new ValueError(`${caller}: ${name} must be true or false, got ${describeValue(value)}`);
  }
}

/**
 * Throws a ValueError when `options` has a key outside `known`, so that a misspelt option
 * such as `batch_size` fails loudly instead of being ignored.
 */
export function checkKnownKeys(caller: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(
        `${caller}: unknown option '${key}'. Valid options: ${known.join(', ')}`,
      );
    }
  }
}

/** Throws a ValueError unless `options` is undefined or a plain object. */
export function checkOptionsObject(caller: string, options: unknown): void {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new ValueError(`${caller}: options must be an object, got ${describeValue(options)}`);
  }
}
