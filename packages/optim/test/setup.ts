import '@tessera/autograd';
import { createCpuBackend } from '@tessera/kernels-cpu';
import { registerBackend, setBackend } from '@tessera/tensor';

registerBackend('cpu', () => createCpuBackend());
await setBackend('cpu');
