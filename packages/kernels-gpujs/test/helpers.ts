import { createCpuBackend } from '@tessera/kernels-cpu';
import {
  type Backend,
  type DType,
  ENGINE,
  registerBackend,
  setBackend,
  type Tensor,
  type TypedArray,
  tidy,
  toTypedArray,
} from '@tessera/tensor';
import { describe, expect, test } from 'vitest';
import { createGpuJsBackend, type GpuJsBackend } from '../src';

/** A mode under test, and why it cannot run here when it cannot. */
interface ModeCase {
  mode: 'cpu' | 'headlessgl';
  unavailable: string | null;
}

/** CI, or TESSERA_REQUIRE_GPUJS_GL=1, turns a missing headless-gl into a failure. */
export function glRequired(): boolean {
  const ci = process.env.CI;
  return (
    (ci !== undefined && ci !== '' && ci !== 'false') ||
    process.env.TESSERA_REQUIRE_GPUJS_GL === '1'
  );
}

function probeHeadlessGl(): string | null {
  if (!process.env.DISPLAY) {
    return 'no X display (DISPLAY is unset); run `pnpm test:gl`, which uses xvfb-run -a';
  }
  try {
    const backend = createGpuJsBackend({ mode: 'headlessgl' });
    void backend.destroy();
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `gpu.js could not create a headless-gl context: ${message.split('\n')[0]}`;
  }
}

/** Why headlessgl mode cannot run here, or null when it can. */
export const HEADLESS_GL_UNAVAILABLE = probeHeadlessGl();

const MODES: readonly ModeCase[] = [
  { mode: 'cpu', unavailable: null },
  { mode: 'headlessgl', unavailable: HEADLESS_GL_UNAVAILABLE },
];

for (const { mode, unavailable } of MODES) {
  if (unavailable !== null && !glRequired()) console.info(`${mode} tests skipped: ${unavailable}`);
}

/** The backend under test in one mode, and the CPU backend its results are compared with. */
export interface ModeContext {
  readonly mode: 'cpu' | 'headlessgl';
  readonly backend: GpuJsBackend;
  readonly name: string;
}

const cpuReference = createCpuBackend();
registerBackend('cpu-reference', () => cpuReference);

/**
 * Runs `suite` once per mode: cpu always, headlessgl where `gl` loads and a display exists.
 * Elsewhere headlessgl shows as one skipped test with the reason, or fails when required.
 */
export function describeEachMode(title: string, suite: (context: ModeContext) => void): void {
  for (const { mode, unavailable } of MODES) {
    if (unavailable !== null) {
      if (glRequired()) {
        test(`${title} (${mode}): mode is required but unavailable`, () => {
          expect.fail(`headlessgl is required (CI or TESSERA_REQUIRE_GPUJS_GL=1): ${unavailable}`);
        });
      } else {
        test.skip(`${title} (${mode}) skipped: ${unavailable}`, () => undefined);
      }
      continue;
    }
    const name = `gpujs-${mode}`;
    const backend = createGpuJsBackend({ mode });
    registerBackend(name, () => backend);
    describe(`${title} (${mode})`, () => suite({ mode, backend, name }));
  }
}

/** Values for one input: shape, dtype and the host values. */
export interface InputSpec {
  shape: readonly number[];
  dtype?: DType;
  values: ArrayLike<number>;
}

function makeInputs(specs: readonly InputSpec[], backend: Backend): Tensor[] {
  return specs.map((spec) => {
    const dtype = spec.dtype ?? 'float32';
    const values = toTypedArray(Array.from(spec.values), dtype);
    return ENGINE.writeTensor(values, spec.shape, dtype, backend);
  });
}

/** Runs `op` on `specs` on a backend, returning the result's shape, dtype and values. */
async function runOn(
  backendName: string,
  backend: Backend,
  specs: readonly InputSpec[],
  op: (...inputs: Tensor[]) => Tensor,
): Promise<{ shape: number[]; dtype: DType; values: TypedArray }> {
  await setBackend(backendName);
  const inputs = makeInputs(specs, backend);
  const output = tidy(() => op(...inputs));
  const result = { shape: [...output.shape], dtype: output.dtype, values: await output.data() };
  output.dispose();
  for (const input of inputs) input.dispose();
  return result;
}

/**
 * Runs `op` on the backend under test and on the CPU backend and checks that they agree: shape
 * and dtype exactly, NaN and infinities exactly, other values within `tolerance` (absolute,
 * plus the same relative to the CPU value). Also checks that no buffer outlives the op.
 */
export async function expectMatchesCpu(
  context: ModeContext,
  specs: readonly InputSpec[],
  op: (...inputs: Tensor[]) => Tensor,
  tolerance = 1e-6,
): Promise<void> {
  const before = context.backend.memory();
  const actual = await runOn(context.name, context.backend, specs, op);
  expect(context.backend.memory(), 'buffers left after the op').toEqual(before);
  const expected = await runOn('cpu-reference', cpuReference, specs, op);
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  expectClose(actual.values, expected.values, tolerance);
}

export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) {
        expect.fail(`element ${i}: got ${a}, expected ${e}`);
      }
      continue;
    }
    const limit = tolerance * (1 + Math.abs(e));
    if (!(Math.abs(a - e) <= limit)) {
      expect.fail(`element ${i}: got ${a}, expected ${e} (tolerance ${limit})`);
    }
  }
}

/** Deterministic floats in [low, high). */
export function seededValues(count: number, seed: number, low = -1, high = 1): number[] {
  let state = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out.push(low + (high - low) * (state / 2 ** 32));
  }
  return out;
}

/** Deterministic integers in [low, high). */
export function seededIntegers(count: number, seed: number, low: number, high: number): number[] {
  return seededValues(count, seed, low, high).map(Math.floor);
}
