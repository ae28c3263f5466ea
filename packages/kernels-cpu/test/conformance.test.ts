import { describeConformance } from '@tessera/conformance';
import { registerBackend, setBackend } from '@tessera/tensor';
import { createCpuBackend } from '../src';

describeConformance({
  backendName: 'cpu',
  setup: async () => {
    registerBackend('cpu', () => createCpuBackend());
    await setBackend('cpu');
  },
  dtypes: ['float32', 'int32', 'bool', 'float64'],
});
