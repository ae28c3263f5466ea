import { BackendError, debugLog, getLogLevel } from '@tessera/tensor';
import { type IGPUKernelSettings, type IKernelRunShortcut, Texture, utils } from 'gpu.js';
import { HELPER_SOURCES } from './codegen/helpers';
import type { GpuJsDevice } from './device';
import type { GpuJsStorage } from './storage';

/**
 * One launch: a gpu.js kernel that computes every element of a flat output. `body` is
 * JavaScript in the subset gpu.js translates: it reads the flat output index `i` and the inputs
 * `x0`, `x1`, ..., may call the helpers of `codegen/helpers.ts`, and returns the element.
 */
export interface Program {
  /** The kernel the program belongs to, for messages and logs. */
  readonly kernel: string;
  /** Bound to `x0`, `x1`, ... in order. A Float32Array is uploaded for this launch. */
  readonly inputs: readonly (GpuJsStorage | Float32Array)[];
  readonly body: string;
  /** Named numbers passed at each launch (uniforms in GLSL), so they never force a rebuild. */
  readonly scalars?: Readonly<Record<string, number>>;
}

/**
 * Infinity and NaN reach the shaders as uniforms: gpu.js writes the literal `Infinity` as the
 * largest finite float, and GL compilers fold expressions such as `inf - inf` to 0.
 */
export const POS_INF = 'posInf';
export const NAN = 'nanValue';
const USES_POS_INF = new RegExp(`\\b${POS_INF}\\b`);
const USES_NAN = new RegExp(`\\b${NAN}\\b`);

/**
 * The maximum loop length in a program. Mesa's llvmpipe ends every shader loop after 65535
 * iterations without an error (a scatter over 70000 indices summed only the first 65536). So
 * kernels split longer work into passes, and `run` rejects any loop they miss.
 */
export const MAX_LOOP_ITERATIONS = 65535;

/**
 * The loop length above which kernels split work into passes: long enough to keep the pass
 * count small, short enough that no fragment stalls the GPU (browsers reset a GL context that
 * hangs for seconds).
 */
export const SPLIT_LENGTH = 4096;

const LOOP_BOUND = /for \(let \w+ = 0; \w+ < (\d+);/g;

export interface ProgramStats {
  /** Programs compiled so far; the cache keeps every one. */
  programs: number;
  /** Launches so far. */
  dispatches: number;
}

// gpu.js's type declarations omit this helper; it is the layout gpu.js gives an output.
const textureUtils = utils as unknown as {
  getKernelTextureSize(
    settings: { optimizeFloatMemory: boolean; precision: string },
    output: number[],
  ): Int32Array;
};

/** Returns the texture width and height gpu.js uses for a flat output of `size` elements. */
function textureShape(size: number): [number, number] {
  const [w, h] = textureUtils.getKernelTextureSize(
    { optimizeFloatMemory: false, precision: 'single' },
    [size],
  );
  return [w, h];
}

/**
 * Compiles each program once per source, output size and input sizes, keeps it for the life of
 * the backend, and launches it in pipeline mode, so outputs stay on the device as textures.
 */
export class ProgramRunner {
  private readonly cache = new Map<string, IKernelRunShortcut>();
  private placeholder: GpuJsStorage | null = null;
  readonly stats: ProgramStats = { programs: 0, dispatches: 0 };

  constructor(private readonly device: GpuJsDevice) {}

  /** Runs `program` over `size` output elements and returns the new storage. */
  run(program: Program, size: number): GpuJsStorage {
    this.checkCapacity(program.kernel, size);
    checkLoops(program);
    if (size === 0) return { data: null, size: 0, bytes: 0 };
    const names = program.inputs.map((_, k) => `x${k}`);
    const scalars = { ...program.scalars };
    if (USES_POS_INF.test(program.body)) scalars[POS_INF] = Infinity;
    if (USES_NAN.test(program.body)) scalars[NAN] = Number.NaN;
    const scalarNames = Object.keys(scalars);
    const source =
      `function (${[...names, ...scalarNames].join(', ')}) {\n` +
      `const i = Math.floor(this.thread.x);\n${program.body}\n}`;
    const kernel = this.compile(program.kernel, source, size, program.inputs);
    const args: (Texture | Float32Array | number)[] = program.inputs.map((input) =>
      this.argumentOf(input),
    );
    for (const name of scalarNames) args.push(scalars[name]);
    if (getLogLevel() >= 2) debugLog(2, `gpujs: ${program.kernel} [${size}]`);
    this.stats.dispatches++;
    return this.wrapResult(program.kernel, this.launch(program.kernel, source, kernel, args), size);
  }

  /** Frees an intermediate storage that a kernel made and does not return. */
  release(storage: GpuJsStorage): void {
    if (storage.data instanceof Texture) storage.data.delete();
  }

  /** Bytes a storage of `size` elements holds on this device. */
  bytesFor(size: number): number {
    if (size === 0) return 0;
    if (this.device.mode === 'cpu') return size * 4;
    const [w, h] = textureShape(size);
    return w * h * 16;
  }

  /**
   * Throws before launch when a tensor of `size` elements cannot be stored: a texture side
   * over the device's limit, or more elements than float32 index math counts exactly.
   */
  checkCapacity(kernel: string, size: number): void {
    const { maxElements, maxTextureSize } = this.device;
    if (size <= maxElements) return;
    const limits = [`at most ${maxElements} elements per tensor`];
    if (maxTextureSize !== null) {
      const [w, h] = textureShape(size);
      limits.push(
        `it needs a ${w} x ${h} texture and the maximum texture size is ${maxTextureSize}`,
      );
    }
    throw new BackendError(
      `${kernel}: a tensor of ${size} elements is too large for the gpujs backend ` +
        `(${limits.join('; ')}). Split the work into smaller tensors or use another backend`,
    );
  }

  /** Frees the compiled programs when the caller owns the GPU (else `gpu.destroy()` does). */
  destroy(): void {
    if (!this.device.ownsGpu) {
      for (const kernel of this.cache.values()) kernel.destroy();
    }
    this.cache.clear();
    this.releasePlaceholder();
  }

  private argumentOf(input: GpuJsStorage | Float32Array): Texture | Float32Array {
    if (input instanceof Float32Array) return input;
    if (input.data !== null) return input.data;
    // An empty input is never read, but gpu.js needs a value for every argument.
    this.placeholder ??= this.run({ kernel: 'placeholder', inputs: [], body: 'return 0;' }, 1);
    return this.placeholder.data as Texture | Float32Array;
  }

  private releasePlaceholder(): void {
    const data = this.placeholder?.data;
    if (data instanceof Texture) data.delete();
    this.placeholder = null;
  }

  /**
   * The cache key contains the size and kind of every input besides the source. gpu.js bakes
   * input texture sizes into a kernel, and given other sizes it swaps in a rebuilt kernel that
   * inherits the old one's output texture, which overwrote a live tensor in this package's tests.
   */
  private compile(
    kernelName: string,
    source: string,
    size: number,
    inputs: Program['inputs'],
  ): IKernelRunShortcut {
    // A texture's dimensions follow from its element count; an empty input is the 1-element
    // placeholder.
    const inputKeys = inputs.map((input) =>
      input instanceof Float32Array ? `a${input.length}` : `t${Math.max(input.size, 1)}`,
    );
    const key = `${size}|${inputKeys.join(',')}|${source}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    debugLog(3, `gpujs: compiling ${kernelName} for ${size} elements:\n${source}`);
    const kernel = this.device.gpu.createKernel(source, {
      output: [size],
      pipeline: true,
      immutable: true,
      precision: 'single',
      // highp everywhere: gpu.js would otherwise pick lowp or mediump for small outputs.
      tactic: 'precision',
      // gpu.js accepts function source strings here, though its declarations list only functions.
      functions: [...HELPER_SOURCES] as unknown as IGPUKernelSettings['functions'],
    });
    this.cache.set(key, kernel);
    this.stats.programs++;
    return kernel;
  }

  private launch(
    kernelName: string,
    source: string,
    kernel: IKernelRunShortcut,
    args: (Texture | Float32Array | number)[],
  ): unknown {
    const built = kernel.kernel;
    let result: unknown;
    try {
      result = kernel(...args);
    } catch (error) {
      // gpu.js builds on the first call, so a translation or shader error surfaces here.
      for (const [key, value] of this.cache) if (value === kernel) this.cache.delete(key);
      const reason = error instanceof Error ? error.message : String(error);
      throw new BackendError(
        `${kernelName}: gpu.js failed to run the generated program: ${reason}\nProgram:\n${source}`,
        { cause: error },
      );
    }
    if (built !== undefined && kernel.kernel !== built) {
      // The cache key should prevent this. A swapped kernel may have written into a live
      // tensor's texture, so stop rather than go on with wrong values.
      throw new BackendError(
        `${kernelName}: gpu.js replaced the compiled program during a launch ` +
          `(${kernel.kernel.fallbackReason ?? 'argument types or sizes changed'})`,
      );
    }
    return result;
  }

  private wrapResult(kernelName: string, result: unknown, size: number): GpuJsStorage {
    const expectTexture = this.device.mode !== 'cpu';
    const ok = expectTexture ? result instanceof Texture : result instanceof Float32Array;
    if (!ok) {
      // gpu.js swaps a kernel it cannot build for a cpu kernel, whose outputs are plain arrays
      // that the GL modes of this backend cannot pass on as textures.
      throw new BackendError(
        `${kernelName}: gpu.js returned ${describeValue(result)} instead of a ` +
          `${expectTexture ? 'texture' : 'Float32Array'} in ${this.device.mode} mode`,
      );
    }
    return { data: result as Texture | Float32Array, size, bytes: this.bytesFor(size) };
  }
}

function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return `a ${value.constructor.name}`;
}

function checkLoops(program: Program): void {
  for (const match of program.body.matchAll(LOOP_BOUND)) {
    const iterations = Number(match[1]);
    if (iterations > MAX_LOOP_ITERATIONS) {
      throw new BackendError(
        `${program.kernel}: the program needs a loop of ${iterations} iterations, more than the ` +
          `${MAX_LOOP_ITERATIONS} some GL drivers run; use smaller tensors or another backend`,
      );
    }
  }
}
