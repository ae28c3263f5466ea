import { keep, type Tensor } from '@tessera/tensor';

const parameters = new WeakSet<Tensor>();
const buffers = new WeakSet<Tensor>();

/**
 * Marks `t` as a module parameter: it requires gradients, optimizers update it, and no tidy
 * scope disposes it (the module owns it until `module.dispose()`).
 */
export function parameter(t: Tensor): Tensor {
  t.requiresGrad = true;
  parameters.add(t);
  return keep(t);
}

/** Marks `t` as a module buffer: saved in the state dict, but not trained. */
export function buffer(t: Tensor): Tensor {
  buffers.add(t);
  return keep(t);
}

export function isParameter(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && parameters.has(value as Tensor);
}

export function isBuffer(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && buffers.has(value as Tensor);
}
