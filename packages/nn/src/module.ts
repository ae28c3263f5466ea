import {
  formatShape,
  ShapeError,
  shapesEqual,
  type Tensor,
  tidy,
  ValueError,
} from '@tessera/tensor';
import { isBuffer, isParameter } from './parameter';

/** A state dict: PyTorch-style dotted names (`fc1.weight`, `0.bias`) to tensors, in order. */
export type StateDict = Map<string, Tensor>;

export interface LoadStateDictOptions {
  /** Reject missing and unexpected keys (default true). */
  strict?: boolean;
}

/**
 * The base of every layer and model. Parameters, buffers and submodules are discovered from
 * the module's own properties, in the order they were assigned, and named after them; an
 * array property of modules names its items by index (`layers.0.weight`).
 *
 * @example
 * class Mlp extends Module {
 *   fc1 = new Linear(784, 128);
 *   fc2 = new Linear(128, 10);
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(relu(this.fc1.forward(x)));
 *   }
 * }
 */
export abstract class Module {
  /** Whether the module is in training mode (Dropout is active only then). */
  training = true;

  abstract forward(...inputs: Tensor[]): Tensor;

  /** Direct submodules with their names. */
  namedChildren(): [string, Module][] {
    const children: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) children.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          if (item instanceof Module) children.push([`${key}.${i}`, item]);
        });
      }
    }
    return children;
  }

  children(): Module[] {
    return this.namedChildren().map(([, child]) => child);
  }

  /** This module and every module below it, depth first. */
  modules(): Module[] {
    return [this, ...this.children().flatMap((child) => child.modules())];
  }

  private namedOwn(test: (value: unknown) => value is Tensor): [string, Tensor][] {
    return Object.entries(this).filter((entry): entry is [string, Tensor] => test(entry[1]));
  }

  private collect(test: (value: unknown) => value is Tensor, prefix: string): [string, Tensor][] {
    const own = this.namedOwn(test).map(([name, t]): [string, Tensor] => [prefix + name, t]);
    const nested = this.namedChildren().flatMap(([name, child]) =>
      child.collect(test, `${prefix}${name}.`),
    );
    return [...own, ...nested];
  }

  /**
   * Lists each parameter once with its dotted name. A tensor reachable by several names (a
   * layer used twice, tied weights) appears under the first, as in PyTorch.
   */
  namedParameters(): [string, Tensor][] {
    return unique(this.collect(isParameter, ''));
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Lists each buffer once with its dotted name, like `namedParameters`. */
  namedBuffers(): [string, Tensor][] {
    return unique(this.collect(isBuffer, ''));
  }

  /** Counts the trainable values. */
  numParameters(): number {
    return this.parameters().reduce((total, p) => total + p.size, 0);
  }

  /** Sets training mode on this module and all below it. */
  train(mode = true): this {
    for (const module of this.modules()) module.training = mode;
    return this;
  }

  /** Sets evaluation mode (`train(false)`). */
  eval(): this {
    return this.train(false);
  }

  /** Clears the `.grad` of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Parameters and buffers by dotted name; the tensors are the module's own, not copies. A
   * shared tensor appears under each of its names, as in PyTorch.
   */
  stateDict(): StateDict {
    return new Map([...this.collect(isParameter, ''), ...this.collect(isBuffer, '')]);
  }

  /**
   * Copies values from `state` (a Map, or a plain object of name to tensor) into the module's
   * parameters and buffers, checking names and shapes before anything changes.
   */
  loadStateDict(
    stateInput: StateDict | Record<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): void {
    const state = stateInput instanceof Map ? stateInput : new Map(Object.entries(stateInput));
    const own = this.stateDict();
    if (options.strict ?? true) {
      const missing = [...own.keys()].filter((k) => !state.has(k));
      const unexpected = [...state.keys()].filter((k) => !own.has(k));
      if (missing.length > 0 || unexpected.length > 0) {
        throw new ValueError(
          `loadStateDict: missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`,
        );
      }
    }
    for (const [name, target] of own) {
      const source = state.get(name);
      if (source === undefined) continue;
      if (source.isDisposed) throw new ValueError(`loadStateDict: tensor '${name}' was disposed`);
      if (!shapesEqual(source.shape, target.shape)) {
        throw new ShapeError(
          `loadStateDict: '${name}' has shape ${formatShape(source.shape)} in the state dict ` +
            `but ${formatShape(target.shape)} in the module`,
        );
      }
    }
    for (const [name, target] of own) {
      const source = state.get(name);
      if (source === undefined) continue;
      const copy = tidy(() => source.cast(target.dtype).clone());
      target.assign(copy);
      copy.dispose();
    }
  }

  /** Frees every parameter and buffer. The module cannot be used afterwards. */
  dispose(): void {
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) t.dispose();
  }

  /** Describes the layer itself in one line, for `toString()`. */
  protected describe(): string {
    return '';
  }

  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.describe()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(
      ([name, child]) => `  (${name}): ${child.toString().replace(/\n/g, '\n  ')}`,
    );
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

/** Keeps the first entry of each tensor. */
function unique(entries: [string, Tensor][]): [string, Tensor][] {
  const seen = new Set<Tensor>();
  return entries.filter(([, t]) => {
    if (seen.has(t)) return false;
    seen.add(t);
    return true;
  });
}
