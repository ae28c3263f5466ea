import { createCpuBackend } from '@tessera/kernels-cpu';
import { registerBackend } from '@tessera/tensor';

// The umbrella makes the CPU backend the default, so a model runs with no set-up. Other
// backends register beside it and take over with `await setBackend(name)`.
registerBackend('cpu', () => createCpuBackend(), 1);

export * from '@tessera/autograd';
export * as data from '@tessera/data';
export { createCpuBackend } from '@tessera/kernels-cpu';
export * as metrics from '@tessera/metrics';
export * as nn from '@tessera/nn';
export * as optim from '@tessera/optim';
export * from '@tessera/tensor';
