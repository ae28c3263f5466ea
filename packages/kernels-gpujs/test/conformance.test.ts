import { describeConformance } from '@tessera/conformance';
import { registerBackend, removeBackend, setBackend } from '@tessera/tensor';
import { expect, test } from 'vitest';
import { createGpuJsBackend } from '../src';
import { glRequired, HEADLESS_GL_UNAVAILABLE } from './helpers';

const INT32_RANGE =
  'int32 values beyond ±2^24 are neither stored nor computed exactly: the backend keeps every ' +
  'dtype in float32, so writes outside the range throw and larger results round instead of ' +
  'wrapping';

/** Gaps of every mode: cases whose int32 values or results leave [-2^24, 2^24]. */
const INT32_GAPS: Record<string, string> = Object.fromEntries(
  [
    'unary/neg-int32-wraps',
    'unary/abs-int32-wraps',
    'unary/square-int32-wraps',
    'unary/sign-int32-wraps',
    'unary/relu-int32-wraps',
    'binary/add-int32-wraps',
    'binary/sub-int32-wraps',
    'binary/mul-int32-wraps',
    'binary/equal-int32-rounds-to-float32',
    'cast/int32-to-float32',
    'cast/int32-to-bool',
    'reduce/sum-int32-wraps',
    'reduce/prod-int32-wraps',
    'matmul/int32-wraps',
    'scatterAdd/int32-wraps',
  ].map((id) => [id, INT32_RANGE]),
);

const PERIODIC =
  "GLSL sin and cos reduce large arguments imprecisely: Mesa's llvmpipe is accurate below " +
  'about 1e7 and returns wrong values for ±1e30';

/** Gaps of the GL modes only: GLSL built-ins that differ from the float64 reference. */
const GL_GAPS: Record<string, string> = {
  'unary/sin-special:float32': PERIODIC,
  'unary/cos-special:float32': PERIODIC,
};

function describeMode(mode: 'cpu' | 'headlessgl'): void {
  const name = `gpujs-${mode}-conformance`;
  describeConformance({
    backendName: `gpujs (${mode})`,
    setup: async () => {
      registerBackend(name, () => createGpuJsBackend({ mode }));
      await setBackend(name);
    },
    teardown: () => removeBackend(name),
    dtypes: ['float32', 'int32', 'bool'],
    knownGaps: mode === 'cpu' ? INT32_GAPS : { ...INT32_GAPS, ...GL_GAPS },
  });
}

describeMode('cpu');
if (HEADLESS_GL_UNAVAILABLE === null) {
  describeMode('headlessgl');
} else if (glRequired()) {
  test('conformance (headlessgl): mode is required but unavailable', () => {
    expect.fail(
      `headlessgl is required (CI or TESSERA_REQUIRE_GPUJS_GL=1): ${HEADLESS_GL_UNAVAILABLE}`,
    );
  });
} else {
  test.skip(`conformance (headlessgl) skipped: ${HEADLESS_GL_UNAVAILABLE}`, () => undefined);
}
