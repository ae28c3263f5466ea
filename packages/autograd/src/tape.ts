import {
  ENGINE,
  formatShape,
  type KernelRecord,
  type RecordedOpName,
  type Tensor,
  ValueError,
} from '@tessera/tensor';

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

/** The versions of each node's inputs and output when it was recorded, in that order. */
const recordedVersions = new WeakMap<TapeNode, readonly number[]>();

function versionsOf(node: TapeNode): number[] {
  return [...node.inputs.map((t) => t.version), node.output.version];
}

function record(node: KernelRecord): void {
  producers.set(node.output, node);
  recordedVersions.set(node, versionsOf(node));
}

/**
 * Throws when an input or the output of `node` was updated in place (`assign`, `add_`) after
 * the node was recorded, because its gradient rule would read the new values.
 */
export function checkUnmodified(node: TapeNode): void {
  const recorded = recordedVersions.get(node);
  if (recorded === undefined) return;
  const current = versionsOf(node);
  const changed = current.findIndex((version, i) => version !== recorded[i]);
  if (changed === -1) return;
  const tensor = changed < node.inputs.length ? node.inputs[changed] : node.output;
  const role = changed < node.inputs.length ? `input ${changed}` : 'the output';
  const attrs = node.attrs as { op?: unknown };
  const op =
    node.kernel === 'Custom'
      ? node.name
      : typeof attrs.op === 'string'
        ? `${node.kernel} (${attrs.op})`
        : node.kernel;
  throw new ValueError(
    `backward: tensor #${tensor.id} (shape ${formatShape(tensor.shape)}), ${role} of ${op}, ` +
      'was modified in place after the forward pass used it, so its gradient would be wrong; ' +
      'update it after backward, or clone() it before the update',
  );
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
  recordedVersions.set(node, versionsOf(node));
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
