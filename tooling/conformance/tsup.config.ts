import { defineConfig } from 'tsup';

// ESM only: vitest, which the runner imports, ships as ESM.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
