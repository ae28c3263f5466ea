import type { Backend, BackendFactory, BackendMemory } from './backend';
import { checkDType, type DType, isFloatDType, type TypedArray } from './dtype';
import { BackendError, DTypeError, formatShape, ShapeError, ValueError } from './errors';
import type { KernelAttrs, KernelInput, KernelName, RecordedOpName, Storage } from './kernels';
import { debugLog, getLogLevel } from './log';
import { checkShape, type Shape, sizeOf } from './shape';
import { Tensor } from './tensor';

/** One kernel dispatch, as passed to the recording hook (autograd builds its tape from these). */
export interface KernelRecord {
  readonly kernel: RecordedOpName;
  readonly inputs: readonly Tensor[];
  readonly attrs: object;
  readonly output: Tensor;
}

export type KernelRecorder = (record: KernelRecord) => void;

interface RegisteredBackend {
  factory: BackendFactory;
  priority: number;
}

const NO_BACKEND_MESSAGE =
  'no backend is registered. Install @tessera/kernels-cpu and add ' +
  "`registerBackend('cpu', () => createCpuBackend())` before the first op, " +
  'or import from the umbrella package `tessera`, which registers the CPU backend for you';

/**
 * The engine keeps the backend registry, the tidy scopes, storage reference counts (reshape
 * shares storage) and the recording hook.
 */
export class Engine {
  private readonly registry = new Map<string, RegisteredBackend>();
  private readonly instances = new Map<string, Backend>();
  private current: Backend | null = null;
  private currentName: string | null = null;
  private readonly scopes: Set<Tensor>[] = [];
  private readonly refCounts = new Map<Storage, number>();
  private recorder: KernelRecorder | null = null;
  private nextTensorId = 0;

  registerBackend(name: string, factory: BackendFactory, priority = 1): void {
    this.registry.set(name, { factory, priority });
  }

  /** Makes `name` the backend for new tensors, starting it on first use. */
  async setBackend(name: string): Promise<Backend> {
    const backend = this.instances.get(name) ?? (await this.startBackend(name));
    this.current = backend;
    this.currentName = name;
    debugLog(1, `backend set to ${name}`);
    return backend;
  }

  /** Returns the active backend, starting the registered one of highest priority when none is set. */
  getBackend(): Backend {
    if (this.current !== null) return this.current;
    const candidates = [...this.registry.entries()].sort((a, b) => b[1].priority - a[1].priority);
    if (candidates.length === 0) throw new BackendError(NO_BACKEND_MESSAGE);
    for (const [name, entry] of candidates) {
      const made = entry.factory();
      if (made instanceof Promise) {
        made.catch(() => undefined);
        continue;
      }
      this.instances.set(name, made);
      this.current = made;
      this.currentName = name;
      debugLog(1, `backend ${name} chosen by default (priority ${entry.priority})`);
      return made;
    }
    throw new BackendError(
      `no backend is ready: the registered backends (${candidates.map((c) => c[0]).join(', ')}) ` +
        "start asynchronously; call `await setBackend('name')` before the first op",
    );
  }

  getBackendName(): string | null {
    if (this.current === null && this.registry.size > 0) this.getBackend();
    return this.currentName;
  }

  registeredBackends(): string[] {
    return [...this.registry.keys()];
  }

  /** Destroys a started backend and removes it from the registry. Its tensors become invalid. */
  async removeBackend(name: string): Promise<void> {
    const backend = this.instances.get(name);
    this.registry.delete(name);
    if (backend === undefined) return;
    this.instances.delete(name);
    if (this.current === backend) {
      this.current = null;
      this.currentName = null;
    }
    await backend.destroy?.();
  }

  private async startBackend(name: string): Promise<Backend> {
    const entry = this.registry.get(name);
    if (entry === undefined) {
      const known = [...this.registry.keys()];
      throw new BackendError(
        `setBackend: backend '${name}' is not registered` +
          (known.length > 0 ? ` (registered: ${known.join(', ')})` : `; ${NO_BACKEND_MESSAGE}`),
      );
    }
    let backend: Backend;
    try {
      backend = await entry.factory();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BackendError(`setBackend: backend '${name}' failed to start: ${reason}`, {
        cause: error,
      });
    }
    this.instances.set(name, backend);
    return backend;
  }

  memory(backend: Backend = this.getBackend()): BackendMemory {
    return backend.memory();
  }

  /**
   * Installs the hook called after every kernel whose inputs include a tensor with
   * `requiresGrad`; the output then gets `requiresGrad` too. Returns the previous hook.
   */
  getRecorder(): KernelRecorder | null {
    return this.recorder;
  }

  setRecorder(recorder: KernelRecorder | null): KernelRecorder | null {
    const previous = this.recorder;
    this.recorder = recorder;
    return previous;
  }

  /** Wraps a new storage in a tensor and tracks it in the innermost tidy scope. */
  makeTensor(storage: Storage, shape: Shape, dtype: DType, backend: Backend): Tensor {
    const tensor = new Tensor(this.nextTensorId++, storage, [...shape], dtype, backend);
    this.refCounts.set(storage, (this.refCounts.get(storage) ?? 0) + 1);
    this.track(tensor);
    return tensor;
  }

  /** Copies host values onto `backend` (the active one by default). */
  writeTensor(values: TypedArray, shape: Shape, dtype: DType, backend?: Backend): Tensor {
    checkDType('tensor', dtype);
    if (values.length !== sizeOf(shape)) {
      throw new ShapeError(
        `tensor: ${values.length} values do not fill shape ${formatShape(shape)}`,
      );
    }
    const target = backend ?? this.getBackend();
    checkDtypeSupported('tensor', target, dtype);
    return this.makeTensor(target.write(values, dtype), shape, dtype, target);
  }

  /** Makes a second tensor over the same storage with a new shape of equal size, recorded as `Reshape`. */
  reshape(source: Tensor, shape: Shape): Tensor {
    const result = this.makeTensor(source.storage, shape, source.dtype, source.backend);
    if (this.recorder !== null && source.requiresGrad) {
      result.requiresGrad = true;
      this.recorder({ kernel: 'Reshape', inputs: [source], attrs: { shape }, output: result });
    }
    return result;
  }

  /** Moves a tensor to a new storage, releasing the old one (used by Tensor.assign). */
  retainStorage(storage: Storage): void {
    this.refCounts.set(storage, (this.refCounts.get(storage) ?? 0) + 1);
  }

  releaseStorage(storage: Storage, backend: Backend): void {
    const count = (this.refCounts.get(storage) ?? 1) - 1;
    if (count > 0) {
      this.refCounts.set(storage, count);
      return;
    }
    this.refCounts.delete(storage);
    backend.dispose(storage);
  }

  /**
   * Runs kernel `name` on the backend that stores `inputs` (the active one when there are
   * none), wraps the result, and reports the dispatch to the recording hook.
   */
  runKernel<K extends KernelName>(
    name: K,
    inputs: readonly Tensor[],
    attrs: KernelAttrs<K>,
    output: { shape: Shape; dtype: DType },
  ): Tensor {
    checkDType(name, output.dtype);
    checkShape(name, output.shape);
    const backend = this.backendOf(name, inputs);
    checkDtypeSupported(name, backend, output.dtype);
    const kernel = backend.kernels[name] as
      | ((call: { inputs: KernelInput[]; attrs: object; output: object }) => Storage)
      | undefined;
    if (kernel === undefined) {
      throw new BackendError(`${name}: backend '${backend.name}' has no kernel for it`);
    }
    const kernelInputs = inputs.map((t) => t.kernelInput());
    const size = sizeOf(output.shape);
    const timed = getLogLevel() >= 2;
    const start = timed ? performance.now() : 0;
    const storage = kernel({ inputs: kernelInputs, attrs, output: { ...output, size } });
    if (timed) {
      const elapsed = (performance.now() - start).toFixed(3);
      debugLog(2, `${backend.name} ${name} -> [${output.shape}] ${output.dtype} in ${elapsed} ms`);
    }
    const result = this.makeTensor(storage, output.shape, output.dtype, backend);
    // Only float outputs carry gradients; comparisons and indices end the chain.
    if (
      this.recorder !== null &&
      isFloatDType(output.dtype) &&
      inputs.some((t) => t.requiresGrad)
    ) {
      result.requiresGrad = true;
      this.recorder({ kernel: name, inputs, attrs, output: result });
    }
    return result;
  }

  /**
   * Runs an elementwise kernel whose result replaces the values of `target`, the first input
   * (the caller has checked that the output's shape and dtype are the target's). When no other
   * tensor shares the target's storage, the backend may write into it. Otherwise the target
   * moves to the new storage, and the tensors sharing the old one keep their values.
   * `op` names the in-place op in messages, such as `add_`.
   */
  runKernelInPlace<K extends 'Unary' | 'Binary'>(
    name: K,
    op: string,
    inputs: readonly [Tensor, ...Tensor[]],
    attrs: KernelAttrs<K>,
  ): Tensor {
    const target = inputs[0];
    const backend = this.backendOf(op, inputs);
    if (this.recorder !== null && inputs.some((t) => t.requiresGrad)) {
      throw new ValueError(
        `${op}: cannot update tensor #${target.id} in place while gradients are recorded, ` +
          'because an input requires grad; run the update inside noGrad(), as optimizers do',
      );
    }
    const kernel = backend.kernels[name] as unknown as (call: {
      inputs: KernelInput[];
      attrs: object;
      output: object;
    }) => Storage;
    const previous = target.storage;
    const exclusive = this.refCounts.get(previous) === 1;
    const output = {
      shape: target.shape,
      dtype: target.dtype,
      size: target.size,
      inPlace: exclusive ? previous : undefined,
    };
    const timed = getLogLevel() >= 2;
    const start = timed ? performance.now() : 0;
    const storage = kernel({ inputs: inputs.map((t) => t.kernelInput()), attrs, output });
    if (timed) {
      const elapsed = (performance.now() - start).toFixed(3);
      const where = storage === previous ? 'in place' : 'into a new buffer';
      debugLog(
        2,
        `${backend.name} ${op} [${target.shape}] ${target.dtype} ${where} in ${elapsed} ms`,
      );
    }
    if (storage !== previous) {
      this.refCounts.set(storage, 1);
      target.replaceStorage(storage);
      this.releaseStorage(previous, backend);
    }
    target.markModified();
    return target;
  }

  hasKernel(name: KernelName, inputs: readonly Tensor[]): boolean {
    return this.backendOf(name, inputs).kernels[name] !== undefined;
  }

  private backendOf(op: string, inputs: readonly Tensor[]): Backend {
    if (inputs.length === 0) return this.getBackend();
    const backend = inputs[0].backend;
    for (const input of inputs) {
      input.throwIfDisposed(op);
      if (input.backend !== backend) {
        throw new BackendError(
          `${op}: inputs live on different backends ('${backend.name}' and '${input.backend.name}'); ` +
            'move them to one backend first',
        );
      }
    }
    return backend;
  }

  // Scopes.

  /**
   * Runs `fn` and disposes every tensor it created except those it returns (a tensor, or
   * tensors inside arrays and plain objects) and those passed to `keep`.
   */
  tidy<T>(fn: () => T): T {
    if (typeof fn !== 'function') {
      throw new TypeError(`tidy: expected a function, got ${typeof fn}`);
    }
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      // The scope's tensors are unreachable once the error propagates: free them first.
      this.scopes.pop();
      for (const tensor of scope) tensor.dispose();
      throw error;
    }
    this.scopes.pop();
    if (result instanceof Promise) {
      for (const tensor of scope) tensor.dispose();
      throw new TypeError(
        'tidy: the function returned a Promise; tidy only supports synchronous code',
      );
    }
    const returned = new Set<Tensor>();
    collectTensors(result, returned);
    for (const tensor of scope) {
      if (returned.has(tensor)) this.track(tensor);
      else tensor.dispose();
    }
    return result;
  }

  /**
   * Runs a composite op. When no input requires gradients it runs inside a tidy scope, so its
   * intermediates are freed at once. Otherwise the tape refers to them, so the caller's own
   * tidy frees them after backward.
   */
  composite<T>(inputs: readonly Tensor[], fn: () => T): T {
    if (this.recorder !== null && inputs.some((t) => t.requiresGrad)) return fn();
    return this.tidy(fn);
  }

  /** Exempts `tensor` from the enclosing tidy scopes. */
  keep<T extends Tensor>(tensor: T): T {
    for (const scope of this.scopes) scope.delete(tensor);
    return tensor;
  }

  private track(tensor: Tensor): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope !== undefined) scope.add(tensor);
  }
}

function checkDtypeSupported(op: string, backend: Backend, dtype: DType): void {
  if (!backend.supportsDtype(dtype)) {
    throw new DTypeError(`${op}: backend '${backend.name}' does not support dtype ${dtype}`);
  }
}

function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectTensors(item, into, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype || value instanceof Map) {
    const items = value instanceof Map ? value.values() : Object.values(value);
    for (const item of items) collectTensors(item, into, depth + 1);
  }
}

/** The process-wide engine. */
export const ENGINE = new Engine();

export function registerBackend(name: string, factory: BackendFactory, priority = 1): void {
  ENGINE.registerBackend(name, factory, priority);
}

export function setBackend(name: string): Promise<Backend> {
  return ENGINE.setBackend(name);
}

export function getBackend(): Backend {
  return ENGINE.getBackend();
}

export function getBackendName(): string | null {
  return ENGINE.getBackendName();
}

export function removeBackend(name: string): Promise<void> {
  return ENGINE.removeBackend(name);
}

/** Bytes and buffers the active backend holds. */
export function memory(): BackendMemory {
  return ENGINE.memory();
}

export function tidy<T>(fn: () => T): T {
  return ENGINE.tidy(fn);
}

export function keep<T extends Tensor>(tensor: T): T {
  return ENGINE.keep(tensor);
}
