export {
  createGpuJsBackend,
  type GpuJsBackend,
  type GpuJsBackendInfo,
  type GpuJsBackendOptions,
  type GpuJsBackendStats,
} from './backend';
export type { GpuJsActiveMode, GpuJsMode } from './device';
export type { GpuJsStorage } from './storage';
