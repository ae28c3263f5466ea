/// <reference types="@webgpu/types" />

/** The device limits the kernels plan with, read from the device at start-up. */
export interface ResolvedLimits {
  /** Bytes one storage binding may cover: the device's limit, lowered by `maxBindingBytes`. */
  readonly bindingBytes: number;
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxComputeWorkgroupSizeY: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxStorageBuffersPerShaderStage: number;
  readonly minStorageBufferOffsetAlignment: number;
  readonly minUniformBufferOffsetAlignment: number;
  readonly maxUniformBufferBindingSize: number;
}

/** Limits worth raising from the defaults to what the adapter offers. */
export const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
] as const;

export function resolveLimits(
  limits: GPUSupportedLimits,
  maxBindingBytes?: number,
): ResolvedLimits {
  const deviceBinding = limits.maxStorageBufferBindingSize;
  const requested = maxBindingBytes ?? deviceBinding;
  // Bindings are cut at 256-byte boundaries (minStorageBufferOffsetAlignment is at most 256), so a
  // lowered limit is rounded down to one.
  const bindingBytes = Math.max(256, Math.floor(Math.min(deviceBinding, requested) / 256) * 256);
  return {
    bindingBytes,
    maxStorageBufferBindingSize: deviceBinding,
    maxBufferSize: limits.maxBufferSize,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    minStorageBufferOffsetAlignment: limits.minStorageBufferOffsetAlignment,
    minUniformBufferOffsetAlignment: limits.minUniformBufferOffsetAlignment,
    maxUniformBufferBindingSize: limits.maxUniformBufferBindingSize,
  };
}

/** Returns the largest power of two no greater than `limit` and `cap`. */
export function powerOfTwoAtMost(limit: number, cap: number): number {
  let size = 1;
  while (size * 2 <= Math.min(limit, cap)) size *= 2;
  return size;
}
