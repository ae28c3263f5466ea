/// <reference types="@webgpu/types" />
import { debugLog } from '@tessera/tensor';
import { SHADER_STAGE_COMPUTE } from './gpu-constants';
import { assembleShader, type Program } from './program/program';

/** A program's compute pipeline with the bind group layout its dispatches use. */
export interface CompiledProgram {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/**
 * Compiles `program`. The layout is explicit rather than `auto`, which would drop bindings a
 * shader happens not to use and break the bind groups made for it.
 */
export function compileProgram(device: GPUDevice, program: Program): CompiledProgram {
  const code = assembleShader(program);
  debugLog(3, `webgpu: shader ${program.key}\n${code}`);
  const module = device.createShaderModule({ code, label: program.key });
  const entries: GPUBindGroupLayoutEntry[] = [
    { binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'uniform' } },
  ];
  program.bindings.forEach((binding, i) => {
    const type = binding.access === 'read' ? 'read-only-storage' : 'storage';
    entries.push({ binding: i + 1, visibility: SHADER_STAGE_COMPUTE, buffer: { type } });
  });
  const layout = device.createBindGroupLayout({ entries, label: program.key });
  const pipeline = device.createComputePipeline({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'main' },
    label: program.key,
  });
  return { pipeline, layout };
}
