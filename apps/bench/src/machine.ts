import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** The machine a run measured, for the results page. */
export interface MachineInfo {
  cpuModel: string;
  /** Logical cores Node can use. */
  cores: number;
  node: string;
  platform: string;
  memoryGiB: number;
  /** The 1-minute load average when the run started and when it ended. */
  loadAverageStart: number;
  loadAverageEnd?: number;
}

/** Reads the CPU model from /proc/cpuinfo, else from Node's `os.cpus()`. */
function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // No /proc on this platform: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: availableParallelism(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageStart: loadavg()[0],
  };
}

export function currentLoadAverage(): number {
  return loadavg()[0];
}

/** The commit the Tessera packages were built from, as far as git can tell. */
export interface SourceInfo {
  commit: string;
  /** Whether packages/ or apps/bench/ had uncommitted changes when the run started. */
  uncommittedChanges: boolean;
}

/** Reads the commit with read-only git commands; 'unknown' outside a git checkout. */
export function describeSource(appDir: string): SourceInfo {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: appDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  try {
    const commit = git(['rev-parse', '--short', 'HEAD']).trim();
    const changes = git(['status', '--porcelain', '--', '../../packages', '.']).trim();
    return { commit, uncommittedChanges: changes !== '' };
  } catch {
    return { commit: 'unknown', uncommittedChanges: false };
  }
}
