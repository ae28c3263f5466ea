/// <reference types="@webgpu/types" />

/*
 * Flag values fixed by the WebGPU specification. They are written out here instead of read from
 * the `GPUBufferUsage`, `GPUMapMode` and `GPUShaderStage` globals, which Node does not define
 * unless the caller installs Dawn's globals.
 */

export const BUFFER_USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const MAP_MODE_READ = 0x0001;

export const SHADER_STAGE_COMPUTE = 0x4;
