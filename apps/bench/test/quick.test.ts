import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/report';

const run = promisify(execFile);
/** The built CLI: the quick check forks it once per contender and workload. */
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('bench --quick', () => {
  it('runs tessera-cpu and tfjs-cpu and finds they agree', { timeout: 60_000 }, async () => {
    const jsonPath = join(mkdtempSync(join(tmpdir(), 'tessera-bench-')), 'quick.json');
    const { stdout } = await run(
      process.execPath,
      [CLI, '--quick', '--contenders', 'tessera-cpu,tfjs-cpu', '--json', jsonPath],
      { timeout: 55_000 },
    );
    expect(stdout).toContain('tessera-cpu / best peer');

    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchReport;
    expect(report.mode).toBe('quick');
    expect(report.cells.length).toBe(2 * report.workloads.length);
    for (const cell of report.cells) {
      expect(cell.status, `${cell.contender} on ${cell.workload}: ${cell.reason}`).toBe('ok');
      expect(cell.leakedTensors, `${cell.contender} on ${cell.workload}`).toBe(0);
    }
    expect(report.agreement.length).toBe(report.workloads.length);
    for (const agreement of report.agreement) {
      expect(agreement.ok, `${agreement.workload}: ${agreement.firstError}`).toBe(true);
    }
    const workloadsWithRatio = report.ratios.map((ratio) => ratio.workload);
    expect(workloadsWithRatio).toEqual(report.workloads.map((spec) => spec.id));
  });
});
