import { defineConfig } from 'tsup';

export default defineConfig({
  // `mnist` is a second entry point because it imports Node's fs, so `index` stays browser-safe.
  entry: { index: 'src/index.ts', mnist: 'src/mnist.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Both entries share one chunk for the dataset classes, in the CJS build too, so a dataset
  // from `@tessera/data/mnist` passes `instanceof TensorDataset` with the class from `@tessera/data`.
  splitting: true,
  // Defines `import.meta.url` in the CJS build, where the MNIST loader passes it to createRequire.
  shims: true,
});
