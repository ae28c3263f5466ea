/// <reference types="@webgpu/types" />
import { BackendError, debugLog, ValueError } from '@tessera/tensor';
import { type WebGPUBackend, WebGPUBackendImpl, type WebGPUInfo } from './backend';
import { WebGPUContext } from './context';
import { REQUESTED_LIMITS, resolveLimits } from './limits';

export interface WebGPUBackendOptions {
  /** A device to run on. The backend does not destroy a device it was given. */
  device?: GPUDevice;
  /** The GPU object to request an adapter from: in Node, the `webgpu` package's `create()` result. Defaults to `navigator.gpu`. */
  gpu?: GPU;
  /** Passed to `requestAdapter`, for example `{ powerPreference: 'high-performance' }`. */
  adapterOptions?: GPURequestAdapterOptions;
  /**
   * Bytes one storage binding may cover, when lower than the device's
   * maxStorageBufferBindingSize; larger elementwise work is split into several bindings.
   */
  maxBindingBytes?: number;
}

const isNode =
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions.node;

const INSTALL_HINT = isNode
  ? "In Node, install the `webgpu` package (Dawn's binding) and pass its GPU object: " +
    "`createWebGPUBackend({ gpu: create(['backend=vulkan']) })` after " +
    "`import { create } from 'webgpu'`. Dawn also needs a Vulkan driver and the Vulkan loader " +
    "(libvulkan.so.1); without a GPU, SwiftShader works: Debian's chromium package ships it, " +
    'used with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json'
  : 'Use a browser with WebGPU enabled; navigator.gpu exists only on pages served over HTTPS ' +
    'or from localhost';

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function adapterSummary(info: GPUAdapterInfo | undefined): WebGPUInfo['adapter'] {
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
}

async function requestAdapter(options: WebGPUBackendOptions): Promise<GPUAdapter> {
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (gpu === undefined) {
    throw new BackendError(
      `webgpu: WebGPU is not available (navigator.gpu is undefined). ${INSTALL_HINT}`,
    );
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(options.adapterOptions);
  } catch (error) {
    throw new BackendError(
      `webgpu: requestAdapter failed: ${describeError(error)}. ${INSTALL_HINT}`,
      {
        cause: error,
      },
    );
  }
  if (adapter === null) {
    throw new BackendError(`webgpu: no WebGPU adapter is available. ${INSTALL_HINT}`);
  }
  return adapter;
}

/** Requests a device with the adapter's own limits for the sizes the kernels care about. */
async function requestDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  try {
    return await adapter.requestDevice({ requiredLimits, label: 'tessera' });
  } catch (error) {
    const description = adapterSummary(adapter.info).description || 'the adapter';
    throw new BackendError(
      `webgpu: requestDevice failed on ${description}: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Creates a WebGPU backend: on `options.device`, or on a device requested from `options.gpu`
 * (Node) or `navigator.gpu` (browsers). When no adapter or device is available, it throws a
 * BackendError naming what to install.
 *
 * @example
 * // Browser
 * registerBackend('webgpu', () => createWebGPUBackend());
 * await setBackend('webgpu');
 *
 * @example
 * // Node
 * import { create } from 'webgpu';
 * registerBackend('webgpu', () => createWebGPUBackend({ gpu: create(['backend=vulkan']) }));
 * await setBackend('webgpu');
 */
export async function createWebGPUBackend(
  options: WebGPUBackendOptions = {},
): Promise<WebGPUBackend> {
  const { maxBindingBytes } = options;
  if (
    maxBindingBytes !== undefined &&
    !(Number.isInteger(maxBindingBytes) && maxBindingBytes >= 256)
  ) {
    throw new ValueError(
      `webgpu: maxBindingBytes must be an integer of at least 256, got ${maxBindingBytes}`,
    );
  }
  let device = options.device;
  let info: GPUAdapterInfo | undefined;
  if (device === undefined) {
    const adapter = await requestAdapter(options);
    info = adapter.info;
    device = await requestDevice(adapter);
  } else {
    info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  }
  const limits = resolveLimits(device.limits, maxBindingBytes);
  const context = new WebGPUContext(device, limits, options.device === undefined);
  const adapter = adapterSummary(info);
  debugLog(
    1,
    `webgpu: running on ${adapter.description || adapter.vendor || 'an unnamed adapter'} ` +
      `(storage bindings up to ${limits.bindingBytes} bytes, ` +
      `${limits.maxComputeWorkgroupsPerDimension} workgroups per dimension)`,
  );
  return new WebGPUBackendImpl(context, adapter, options.gpu);
}
