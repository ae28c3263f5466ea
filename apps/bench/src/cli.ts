import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, Option, program } from 'commander';
import { runBench, writeResultsPage } from './bench';
import { CONTENDER_NAMES, CONTENDERS } from './contenders/registry';
import { type JobResult, runJob } from './job';
import {
  isWorkloadId,
  type Mode,
  QUICK_WORKLOAD_IDS,
  WORKLOAD_IDS,
  type WorkloadId,
} from './workloads';

const CLI_PATH = fileURLToPath(import.meta.url);
/** apps/bench, from dist/cli.js. */
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_CONTENDERS = CONTENDERS.filter((entry) => entry.byDefault).map((e) => e.name);

function contenderList(value: string): string[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !CONTENDER_NAMES.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown contender '${unknown.join(', ')}'; choose from ${CONTENDER_NAMES.join(', ')}`,
    );
  }
  return names;
}

function workloadList(value: string): WorkloadId[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const unknown = ids.filter((id) => !isWorkloadId(id));
  if (ids.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown workload '${unknown.join(', ')}'; choose from ${WORKLOAD_IDS.join(', ')}`,
    );
  }
  return ids as WorkloadId[];
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new InvalidArgumentError(`--rounds must be a positive integer, got '${value}'`);
  }
  return parsed;
}

/** Child mode: one job in this process, its result sent to the parent (or printed). */
async function runChildJob(contender: string, workload: string, mode: Mode): Promise<void> {
  if (!isWorkloadId(workload)) throw new InvalidArgumentError(`unknown workload '${workload}'`);
  let result: JobResult;
  try {
    result = await runJob(contender, workload, mode);
  } catch (error) {
    console.error(error);
    const reason = error instanceof Error ? error.message : String(error);
    result = { status: 'failed', contender, workload, reason };
  }
  // Exit explicitly: a WebGPU device keeps Node's event loop alive after the job.
  if (process.send === undefined) {
    console.log(JSON.stringify(result));
    process.exit(0);
  }
  process.send(result, () => process.exit(0));
}

interface CliOptions {
  contenders?: string[];
  workloads?: WorkloadId[];
  rounds?: number;
  quick?: boolean;
  json?: string;
  writeResults?: boolean;
  contender?: string;
  workload?: string;
}

async function main(options: CliOptions, args: string[]): Promise<void> {
  const mode: Mode = options.quick ? 'quick' : 'full';
  if (options.contender !== undefined || options.workload !== undefined) {
    if (options.contender === undefined || options.workload === undefined) {
      throw new InvalidArgumentError('--contender and --workload must be given together');
    }
    return runChildJob(options.contender, options.workload, mode);
  }
  const jsonPath = resolve(
    options.json ??
      resolve(APP_DIR, mode === 'quick' ? 'results/quick.json' : 'results/latest.json'),
  );
  if (options.writeResults) return writeResultsPage(jsonPath, APP_DIR);
  process.exitCode = await runBench({
    contenders: options.contenders ?? DEFAULT_CONTENDERS,
    workloads: options.workloads ?? [...(mode === 'quick' ? QUICK_WORKLOAD_IDS : WORKLOAD_IDS)],
    rounds: options.rounds ?? (mode === 'quick' ? 1 : 3),
    mode,
    jsonPath,
    cliPath: CLI_PATH,
    args,
    appDir: APP_DIR,
  });
}

program
  .name('tessera-bench')
  .description(
    "Time Tessera's backends against TensorFlow.js and brain.js on the same shapes and data.",
  )
  .option(
    '--contenders <names>',
    `comma-separated contenders (default: ${DEFAULT_CONTENDERS.join(',')}; all: ${CONTENDER_NAMES.join(',')})`,
    contenderList,
  )
  .option(
    '--workloads <ids>',
    `comma-separated workloads (default: all, with --quick: ${QUICK_WORKLOAD_IDS.join(',')}; all: ${WORKLOAD_IDS.join(',')})`,
    workloadList,
  )
  .option(
    '--rounds <n>',
    'times every contender runs every workload (default: 3, with --quick: 1)',
    positiveInteger,
  )
  .option(
    '--quick',
    'small shapes and short timing for CI; fails unless all contenders run and agree',
  )
  .option(
    '--json <path>',
    'where to write the results (default: results/latest.json, with --quick: results/quick.json)',
  )
  .option('--write-results', 'only write RESULTS.md and its chart from the JSON at --json')
  .addOption(new Option('--contender <name>', 'child mode: run one contender').hideHelp())
  .addOption(new Option('--workload <id>', 'child mode: run one workload').hideHelp())
  .action((options: CliOptions) => main(options, args));

// `pnpm bench -- --quick` hands the separator through to the script; drop it.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();

program.parseAsync(args, { from: 'user' }).catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
