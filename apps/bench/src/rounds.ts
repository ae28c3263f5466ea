import { type ChildProcess, fork } from 'node:child_process';
import { findContender } from './contenders/registry';
import type { JobResult } from './job';
import type { Mode, WorkloadId } from './workloads';

export interface RoundsOptions {
  contenders: string[];
  workloads: WorkloadId[];
  rounds: number;
  mode: Mode;
  /** The bench CLI that each child runs with `--contender` and `--workload`. */
  cliPath: string;
  /** Called after every job, for progress lines. */
  onResult?: (result: JobResult, round: number) => void;
}

/** A job result tagged with the round it ran in. */
export type RoundResult = JobResult & { round: number };

/** Seconds after which a child is killed and its job recorded as failed. */
const CHILD_TIMEOUT_SECONDS: Record<Mode, number> = { full: 600, quick: 120 };
/** Characters of a failed child's output kept for its error message. */
const OUTPUT_TAIL = 2000;

/**
 * Runs every contender on every workload, once per round, each in a new child process.
 * A round runs workload A for all contenders, then workload B, and so on, so that a slow
 * spell of the machine falls on all contenders of a workload rather than on one.
 */
export async function runRounds(options: RoundsOptions): Promise<RoundResult[]> {
  const results: RoundResult[] = [];
  const running: { child?: ChildProcess } = {};
  // A signal to this process alone (not its process group) would leave the child running.
  const stop = (signal: NodeJS.Signals) => {
    running.child?.kill('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const workload of options.workloads) {
        for (const contender of options.contenders) {
          const result = await runChild(options, contender, workload, running);
          results.push({ ...result, round });
          options.onResult?.(result, round);
        }
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return results;
}

function childArguments(options: RoundsOptions, contender: string, workload: WorkloadId) {
  const args = ['--contender', contender, '--workload', workload];
  if (options.mode === 'quick') args.push('--quick');
  return args;
}

function runChild(
  options: RoundsOptions,
  contender: string,
  workload: WorkloadId,
  running: { child?: ChildProcess },
): Promise<JobResult> {
  const entry = findContender(contender);
  if (entry?.unavailable !== undefined) {
    return Promise.resolve({
      status: 'unsupported',
      contender,
      workload,
      reason: entry.unavailable,
    });
  }
  const child = fork(options.cliPath, childArguments(options, contender, workload), {
    // --expose-gc lets the child collect garbage between samples, outside the timing.
    execArgv: ['--expose-gc'],
    env: { ...process.env, ...entry?.childEnvironment?.() },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.child = child;
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return new Promise((resolve) => {
    let result: JobResult | undefined;
    let timedOut = false;
    const limit = CHILD_TIMEOUT_SECONDS[options.mode];
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limit * 1000);
    child.on('message', (message) => {
      result = message as JobResult;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) return resolve(result);
      const how = timedOut
        ? `timed out after ${limit} s`
        : `exited (code ${code}, signal ${signal})`;
      const reason = `the child process ${how} without a result. Its last output: ${output.trim()}`;
      resolve({ status: 'failed', contender, workload, reason });
    });
  });
}
