/// <reference types="@webgpu/types" />
export type { WebGPUBackend, WebGPUInfo } from './backend';
export { createWebGPUBackend, type WebGPUBackendOptions } from './create';
export type { ResolvedLimits } from './limits';
