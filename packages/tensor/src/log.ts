/**
 * Tessera's debug log: silent unless a level is set with `setLogLevel` or the
 * `TESSERA_DEBUG` environment variable. Levels: 1 backend choice and fallbacks, 2 kernel
 * dispatches with timings, 3 generated shader source.
 */
let level = readLevelFromEnvironment();

function readLevelFromEnvironment(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = Number(env?.TESSERA_DEBUG ?? 0);
  return Number.isFinite(value) ? value : 0;
}

export function setLogLevel(newLevel: number): void {
  level = newLevel;
}

export function getLogLevel(): number {
  return level;
}

/** Writes `message` to the console's debug stream when the log level is at least `minLevel`. */
export function debugLog(minLevel: number, message: string): void {
  if (level >= minLevel) {
    // biome-ignore lint/suspicious/noConsole: this module is the one sanctioned console writer
    console.debug(`[tessera:${minLevel}] ${message}`);
  }
}
