import { ENGINE, type KernelRecord, type RecordedOpName, type Tensor } from '@tessera/tensor';

/** Computes the gradients of a custom op's inputs from the gradient of its output. */
export type CustomGradFunction = (dy: Tensor) => readonly (Tensor | null)[];

/** One recorded step: a kernel dispatch, or a custom op with its own gradient. */
export type TapeNode =
  | (KernelRecord & { readonly custom?: undefined })
  | {
      readonly kernel: 'Custom';
      readonly name: string;
      readonly inputs: readonly Tensor[];
      readonly attrs: object;
      readonly output: Tensor;
      readonly custom: CustomGradFunction;
    };

/**
 * The tape: the node that produced each recorded tensor, keyed weakly so a node goes away with
 * its output. A tensor without a node is a leaf (or was made with recording off).
 */
const producers = new WeakMap<Tensor, TapeNode>();

function record(node: KernelRecord): void {
  producers.set(node.output, node);
}

/** Whether the engine currently records ops. */
export function isRecording(): boolean {
  return ENGINE.getRecorder() === record;
}

export function producerOf(tensor: Tensor): TapeNode | undefined {
  return producers.get(tensor);
}

export function recordCustom(node: Extract<TapeNode, { kernel: 'Custom' }>): void {
  producers.set(node.output, node);
}

/** Turns recording on; importing `@tessera/autograd` does this once. */
export function enableRecording(): void {
  ENGINE.setRecorder(record);
}

/**
 * Runs `fn` without recording, so no gradients flow through what it computes.
 *
 * @example
 * const prediction = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const previous = ENGINE.setRecorder(null);
  try {
    return fn();
  } finally {
    ENGINE.setRecorder(previous);
  }
}

/** Runs `fn` with recording on, even inside `noGrad`. */
export function withGrad<T>(fn: () => T): T {
  const previous = ENGINE.setRecorder(record);
  try {
    return fn();
  } finally {
    ENGINE.setRecorder(previous);
  }
}

export type { RecordedOpName };
