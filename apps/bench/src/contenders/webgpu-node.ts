import { existsSync, readdirSync } from 'node:fs';

/**
 * WebGPU in Node through Dawn (the `webgpu` npm package). On a machine without a GPU, Dawn
 * finds an adapter only through SwiftShader's Vulkan driver, which Debian's chromium
 * package ships together with the Vulkan loader it needs.
 */

const CHROMIUM_DIR = '/usr/lib/chromium';
const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;
const VULKAN_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'];
const LIBRARY_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
];

function hasSystemVulkanDriver(): boolean {
  return VULKAN_ICD_DIRS.some((dir) => existsSync(dir) && readdirSync(dir).length > 0);
}

function hasSystemVulkanLoader(): boolean {
  return LIBRARY_DIRS.some((dir) => existsSync(`${dir}/libvulkan.so.1`));
}

/**
 * Environment variables for a child process that will use WebGPU: SwiftShader's driver
 * when the system lists no Vulkan driver, and chromium's Vulkan loader when the system has
 * none. The loader path has to be in place when the process starts, because the dynamic
 * linker reads LD_LIBRARY_PATH only then.
 */
export function webgpuChildEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  if (process.env.VK_ICD_FILENAMES === undefined && !hasSystemVulkanDriver()) {
    if (existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (!hasSystemVulkanLoader() && existsSync(`${CHROMIUM_DIR}/libvulkan.so.1`)) {
    const current = process.env.LD_LIBRARY_PATH;
    env.LD_LIBRARY_PATH = current ? `${current}:${CHROMIUM_DIR}` : CHROMIUM_DIR;
  }
  return env;
}

/** Describes the adapter by vendor, architecture and name, for the results page. */
function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info.vendor, info.architecture, info.description].filter((part) => part !== '');
  return parts.length > 0 ? parts.join(' ') : 'unknown adapter';
}

/**
 * Creates Dawn's `GPU` object and checks that it offers an adapter. Returns the object with
 * a description of its default adapter.
 */
export async function createNodeGpu(): Promise<{ gpu: GPU; adapterName: string }> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create(['backend=vulkan']);
  const adapter = await gpu.requestAdapter();
  if (adapter === null) {
    throw new Error(
      "WebGPU: Dawn offers no adapter. Without a GPU, install Debian's chromium package for " +
        `SwiftShader (${SWIFTSHADER_ICD}) and run through this bench, which sets VK_ICD_FILENAMES.`,
    );
  }
  return { gpu, adapterName: describeAdapter(adapter) };
}
