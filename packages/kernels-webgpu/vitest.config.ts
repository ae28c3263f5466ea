import { defineConfig } from 'vitest/config';

export default defineConfig({
  // SwiftShader runs shaders on the CPU, so large-tensor tests take seconds.
  test: { testTimeout: 120_000, hookTimeout: 60_000 },
});
