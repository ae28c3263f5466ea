import {
  ENGINE,
  formatShape,
  isFloatDType,
  keep,
  onesLike,
  type RecordedOpName,
  shapesEqual,
  type Tensor,
  TesseraError,
  tidy,
  ValueError,
} from '@tessera/tensor';
import { GRAD_RULES } from './rules';
import type { GradContext } from './rules/types';
import { checkUnmodified, noGrad, producerOf, type TapeNode, withGrad } from './tape';

/** A gradient a rule returned with the wrong shape or dtype: a bug in that rule. */
export class GradientError extends TesseraError {
  override name = 'GradientError';
}

/** Lists the nodes between `output` and the sources, each after the nodes that made its inputs. */
function topologicalNodes(output: Tensor, isSource: (t: Tensor) => boolean): TapeNode[] {
  const order: TapeNode[] = [];
  const visited = new Set<Tensor>();
  // Iterative depth-first search, so long chains do not overflow the call stack.
  const stack: { tensor: Tensor; expanded: boolean }[] = [{ tensor: output, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    const node = producerOf(top.tensor);
    if (node === undefined || isSource(top.tensor)) continue;
    if (top.expanded) {
      order.push(node);
      continue;
    }
    if (visited.has(top.tensor)) continue;
    visited.add(top.tensor);
    stack.push({ tensor: top.tensor, expanded: true });
    for (const input of node.inputs) {
      if (input.requiresGrad && !visited.has(input)) stack.push({ tensor: input, expanded: false });
    }
  }
  return order;
}

function describeNode(node: TapeNode): string {
  if (node.kernel === 'Custom') return `custom op '${node.name}'`;
  const op = (node.attrs as { op?: string }).op;
  return op === undefined ? `kernel ${node.kernel}` : `kernel ${node.kernel} (${op})`;
}

function checkGradient(node: TapeNode, index: number, input: Tensor, gradient: Tensor): void {
  if (!shapesEqual(gradient.shape, input.shape) || gradient.dtype !== input.dtype) {
    throw new GradientError(
      `the gradient rule of ${describeNode(node)} returned a gradient of shape ` +
        `${formatShape(gradient.shape)} and dtype ${gradient.dtype} for input ${index}, ` +
        `which has shape ${formatShape(input.shape)} and dtype ${input.dtype}`,
    );
  }
}

function runRule(node: TapeNode, dy: Tensor): readonly (Tensor | null)[] {
  if (node.kernel === 'Custom') return node.custom(dy);
  // The table is typed per op; here the node's op is only known at run time.
  const rule = GRAD_RULES[node.kernel] as (
    context: GradContext<RecordedOpName>,
    dy: Tensor,
  ) => readonly (Tensor | null)[];
  return rule(node as GradContext<RecordedOpName>, dy);
}

function accumulate(gradients: Map<Tensor, Tensor>, tensor: Tensor, gradient: Tensor): void {
  const previous = gradients.get(tensor);
  gradients.set(tensor, previous === undefined ? gradient : previous.add(gradient));
}

/**
 * Walks the tape back from `output` and returns d(output)/d(source) for each source (zeros
 * where a source does not influence the output). `seed` is the gradient of `output` itself.
 */
function backpropagate(output: Tensor, sources: readonly Tensor[], seed: Tensor): Tensor[] {
  const sourceSet = new Set(sources);
  const gradients = new Map<Tensor, Tensor>([[output, seed]]);
  const nodes = topologicalNodes(output, (t) => sourceSet.has(t) && t !== output);
  for (let n = nodes.length - 1; n >= 0; n--) {
    const node = nodes[n];
    const dy = gradients.get(node.output);
    if (dy === undefined) continue;
    checkUnmodified(node);
    const inputGradients = runRule(node, dy);
    node.inputs.forEach((input, i) => {
      const gradient = inputGradients[i];
      if (gradient === null || gradient === undefined || !input.requiresGrad) return;
      checkGradient(node, i, input, gradient);
      accumulate(gradients, input, gradient);
    });
  }
  // A rule may hand one tensor to several inputs (add passes dy to both), and the seed may come
  // back unchanged. Each source gets a tensor of its own, because callers dispose gradients and
  // optimizers change them in place.
  const handedOut = new Set<Tensor>([seed]);
  return sources.map((s) => {
    const gradient = gradients.get(s);
    if (gradient === undefined) return onesLike(s).mul(0);
    if (handedOut.has(gradient)) return gradient.clone();
    handedOut.add(gradient);
    return gradient;
  });
}

function checkOutput(op: string, output: Tensor, seed: Tensor | undefined): Tensor {
  output.throwIfDisposed(op);
  if (!isFloatDType(output.dtype)) {
    throw new ValueError(`${op}: can only differentiate a float tensor, got dtype ${output.dtype}`);
  }
  if (seed !== undefined) {
    if (!shapesEqual(seed.shape, output.shape)) {
      throw new ValueError(
        `${op}: gradient of shape ${formatShape(seed.shape)} does not match the output's ${formatShape(output.shape)}`,
      );
    }
    return seed;
  }
  if (output.size !== 1) {
    throw new ValueError(
      `${op}: the output has shape ${formatShape(output.shape)}; pass a gradient of that shape, ` +
        'or reduce the output to one element (for example with sum() or mean())',
    );
  }
  return onesLike(output);
}

/** Leaves that require gradients, reachable from `output` through the tape. */
function reachableLeaves(output: Tensor): Tensor[] {
  const leaves = new Set<Tensor>();
  const seen = new Set<Tensor>();
  const stack = [output];
  while (stack.length > 0) {
    const tensor = stack.pop()!;
    if (seen.has(tensor)) continue;
    seen.add(tensor);
    const node = producerOf(tensor);
    if (node === undefined) {
      if (tensor.requiresGrad) leaves.add(tensor);
      continue;
    }
    for (const input of node.inputs) if (input.requiresGrad) stack.push(input);
  }
  return [...leaves];
}

export interface BackwardOptions {
  /** The gradient of `output`; required unless `output` has one element. */
  gradient?: Tensor;
  /** Record the backward pass too, so gradients can be differentiated again. */
  createGraph?: boolean;
}

/**
 * Computes the gradient of `output` with respect to every leaf tensor with `requiresGrad`
 * that it depends on, and adds it to that leaf's `.grad` (as PyTorch's `backward`).
 *
 * @example
 * const w = tensor([1, 2]); w.requiresGrad = true;
 * backward(w.mul(w).sum());
 * await w.grad!.data(); // [2, 4]
 */
export function backward(output: Tensor, options: BackwardOptions = {}): void {
  const leaves = reachableLeaves(output);
  if (leaves.length === 0) {
    throw new ValueError(
      'backward: the output does not depend on any tensor with requiresGrad = true ' +
        '(was it computed inside noGrad, or before requiresGrad was set?)',
    );
  }
  const compute = (): Tensor[] => {
    const seed = checkOutput('backward', output, options.gradient);
    return backpropagate(output, leaves, seed);
  };
  const gradients = options.createGraph ? withGrad(compute) : tidy(() => noGrad(compute));
  leaves.forEach((leaf, i) => {
    const gradient = keep(gradients[i]);
    if (leaf.grad === null) {
      leaf.grad = gradient;
      return;
    }
    const previous = leaf.grad;
    leaf.grad = keep(
      options.createGraph ? previous.add(gradient) : noGrad(() => previous.add(gradient)),
    );
    previous.dispose();
    gradient.dispose();
  });
}

let gradDepth = 0;

/** Drops the value of an outermost call; a nested call leaves it to the outer call's tidy. */
function gradientsOnly(result: { value: Tensor; gradients: Tensor[] }): Tensor[] {
  if (gradDepth === 0) result.value.dispose();
  return result.gradients;
}

/**
 * Runs `fn` with each source marked as requiring gradients and returns its output and the
 * gradients. Nested calls record their backward pass so an outer call can differentiate it.
 */
function differentiate(
  op: string,
  fn: (...args: Tensor[]) => Tensor,
  sources: readonly Tensor[],
  seed: Tensor | undefined,
): { value: Tensor; gradients: Tensor[] } {
  const previousFlags = sources.map((s) => s.requiresGrad);
  const run = (): { value: Tensor; gradients: Tensor[] } => {
    for (const s of sources) s.requiresGrad = true;
    const value = withGrad(() => fn(...sources));
    if (!(value instanceof Object) || typeof (value as Tensor).shape !== 'object') {
      throw new ValueError(`${op}: the function must return a Tensor`);
    }
    const initial = checkOutput(op, value, seed);
    const nested = gradDepth > 1;
    const gradients = nested
      ? withGrad(() => backpropagate(value, sources, initial))
      : noGrad(() => backpropagate(value, sources, initial));
    return { value, gradients };
  };
  gradDepth++;
  try {
    return gradDepth > 1 ? run() : ENGINE.tidy(run);
  } finally {
    gradDepth--;
    sources.forEach((s, i) => {
      s.requiresGrad = previousFlags[i];
    });
  }
}

/**
 * Returns a function that computes the gradient of `fn` with respect to its first argument.
 * `fn` must return a one-element tensor unless a gradient for its output is passed.
 *
 * @example
 * const cubeGrad = grad((x) => x.mul(x).mul(x).sum());
 * await cubeGrad(tensor([2])).data(); // [12]
 * grad(grad((x) => x.pow(3).sum()))(tensor([2])); // second derivative: [12]
 */
export function grad(fn: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => gradientsOnly(differentiate('grad', fn, [x], dy))[0];
}

/** Like `grad`, for every argument: returns one gradient per argument. */
export function grads(
  fn: (...xs: Tensor[]) => Tensor,
): (xs: readonly Tensor[], dy?: Tensor) => Tensor[] {
  return (xs, dy) => gradientsOnly(differentiate('grads', fn, xs, dy));
}

/** Like `grad`, but also returns the value of `fn`. */
export function valueAndGrad(
  fn: (x: Tensor) => Tensor,
): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const { value, gradients } = differentiate('valueAndGrad', fn, [x], dy);
    return { value, grad: gradients[0] };
  };
}

/** Like `grads`, but also returns the value of `fn`. */
export function valueAndGrads(
  fn: (...xs: Tensor[]) => Tensor,
): (xs: readonly Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  return (xs, dy) => {
    const { value, gradients } = differentiate('valueAndGrads', fn, xs, dy);
    return { value, grads: gradients };
  };
}

export { noGrad };
