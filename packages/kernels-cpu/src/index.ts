export { type CpuBackend, type CpuBackendOptions, createCpuBackend } from './backend';
export { cpuKernels } from './kernel-table';
export type { CpuStorage } from './storage';
