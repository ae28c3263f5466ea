import { defineConfig } from 'vitest/config';

// Gradient checks and the conformance suite run thousands of small ops; on a loaded 2-core
// CI machine they need more than vitest's 5 s default.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
