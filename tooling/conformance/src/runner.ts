import type { DType } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CASES } from './cases';
import { checkGradients, checkValues } from './checks';
import { type CaseInstance, gradientStatus, instantiate } from './instances';
import type { ConformanceCase } from './types';

export interface ConformanceOptions {
  /** The backend's name, used in the suite's title and in skip reasons. */
  backendName: string;
  /** Registers the backend and makes it active (runs once, before the first test). */
  setup: () => Promise<void>;
  teardown?: () => Promise<void>;
  /** The dtypes the backend supports; instances that need another dtype are skipped. */
  dtypes: readonly DType[];
  /**
   * Test ids (`case-id`, `case-id:float32`, `case-id:float32:grad`) the backend is known to
   * fail, each with the reason. They run as expected failures, so a gap that gets fixed fails
   * its test until it is removed from this list.
   */
  knownGaps?: Readonly<Record<string, string>>;
  /** The cases to run; every case of the package by default. */
  cases?: readonly ConformanceCase[];
  /** Timeout of each test in milliseconds, 30 s by default. Tests tagged `large` get 4 times it. */
  timeoutMs?: number;
}

/** One test to register: a values check or a gradient check of one instance. */
interface PlannedTest {
  readonly id: string;
  readonly instance: CaseInstance;
  readonly skipReason: string | null;
  readonly run: () => Promise<void>;
}

function dtypeSkipReason(instance: CaseInstance, options: ConformanceOptions): string | null {
  const missing = instance.dtypes.filter((dtype) => !options.dtypes.includes(dtype));
  if (missing.length === 0) return null;
  return `needs ${missing.join(' and ')}, which ${options.backendName} does not support`;
}

function planTests(instance: CaseInstance, options: ConformanceOptions): PlannedTest[] {
  const dtypeReason = dtypeSkipReason(instance, options);
  const tests: PlannedTest[] = [
    { id: instance.id, instance, skipReason: dtypeReason, run: () => checkValues(instance) },
  ];
  const status = gradientStatus(instance);
  if (status.kind !== 'none') {
    tests.push({
      id: `${instance.id}:grad`,
      instance,
      skipReason: dtypeReason ?? (status.kind === 'skip' ? status.reason : null),
      run: () => checkGradients(instance),
    });
  }
  return tests;
}

function registerTest(test: PlannedTest, options: ConformanceOptions): void {
  if (test.skipReason !== null) {
    it.skip(`${test.id} (skipped: ${test.skipReason})`, () => undefined);
    return;
  }
  const baseTimeout = options.timeoutMs ?? 30_000;
  const timeout = test.instance.source.tags.includes('large') ? 4 * baseTimeout : baseTimeout;
  const gap = options.knownGaps?.[test.id];
  if (gap === undefined) it(test.id, test.run, timeout);
  else it.fails(`${test.id} (known gap: ${gap})`, test.run, timeout);
}

/** Returns the part of a case id before the first slash: `binary` for `binary/add-broadcast`. */
function familyOf(test: PlannedTest): string {
  return test.instance.source.id.split('/')[0];
}

/**
 * Registers the conformance suite for one backend with vitest: a values test (with a memory
 * check) for every instance of every case, and a gradient test for every instance with a
 * float input and a float output. Call it at the top level of a test file.
 *
 * @example
 * describeConformance({
 *   backendName: 'cpu',
 *   setup: async () => {
 *     registerBackend('cpu', () => createCpuBackend());
 *     await setBackend('cpu');
 *   },
 *   dtypes: ['float32', 'int32', 'bool', 'float64'],
 * });
 */
export function describeConformance(options: ConformanceOptions): void {
  const instances = (options.cases ?? ALL_CASES).flatMap(instantiate);
  const tests = instances.flatMap((instance) => planTests(instance, options));
  const families = [...new Set(tests.map(familyOf))];

  describe(`conformance on ${options.backendName}`, () => {
    beforeAll(options.setup);
    if (options.teardown !== undefined) afterAll(options.teardown);

    it('known gaps name tests that run', () => {
      const runnable = new Set(tests.filter((t) => t.skipReason === null).map((t) => t.id));
      const stale = Object.keys(options.knownGaps ?? {}).filter((id) => !runnable.has(id));
      const message =
        'knownGaps entries that name no test that runs (remove them or fix their ids): ' +
        stale.join(', ');
      expect(stale, message).toEqual([]);
    });

    for (const family of families) {
      describe(family, () => {
        for (const test of tests) if (familyOf(test) === family) registerTest(test, options);
      });
    }
  });
}
