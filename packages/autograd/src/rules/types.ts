import type { KernelAttrs, KernelName, RecordedOpName, Shape, Tensor } from '@tessera/tensor';

type AttrsOf<K extends RecordedOpName> = K extends KernelName ? KernelAttrs<K> : { shape: Shape };

/** What a gradient rule sees of the recorded op. */
export interface GradContext<K extends RecordedOpName> {
  readonly inputs: readonly Tensor[];
  readonly attrs: AttrsOf<K>;
  readonly output: Tensor;
}

/**
 * The gradient of each input given the gradient `dy` of the output; null where an input gets
 * none (indices, conditions). Rules use public tensor ops only, so they run on every backend
 * and can be differentiated again.
 */
export type GradRule<K extends RecordedOpName> = (
  context: GradContext<K>,
  dy: Tensor,
) => readonly (Tensor | null)[];

/** One rule per recorded op; a missing rule is a compile error. */
export type GradRuleTable = { [K in RecordedOpName]: GradRule<K> };
