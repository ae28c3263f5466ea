import type { UniformDecl } from './program';
import { collapseAxes } from './strides';

/**
 * Row addressing shared by the reductions and softmax. Their input is seen as rows: output
 * element `row` reads elements `0..length` of its row at `rowBase(row) + rowOffset(r)`. Both
 * functions are generated for the collapsed kept and reduced axes, which makes the common layouts
 * (trailing or leading axes) one multiply each.
 */
export interface RowLayout {
  /** Kept axes (collapsed) and their strides in the input. */
  readonly keptShape: readonly number[];
  readonly keptStrides: readonly number[];
  /** Reduced axes (collapsed) and their strides in the input. */
  readonly reducedShape: readonly number[];
  readonly reducedStrides: readonly number[];
  readonly rows: number;
  readonly length: number;
}

/**
 * Returns the layout of reducing `axes` of a contiguous tensor of `shape`. A rank-0 tensor may
 * come with axis 0 (as PyTorch allows), so axes beyond the rank are ignored.
 */
export function rowLayout(shape: readonly number[], requested: readonly number[]): RowLayout {
  const axes = requested.filter((axis) => axis < shape.length);
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const keptAxes = collapseAxes(
    kept.map((i) => shape[i]),
    [kept.map((i) => strides[i])],
  );
  const reducedAxes = collapseAxes(
    axes.map((i) => shape[i]),
    [axes.map((i) => strides[i])],
  );
  return {
    keptShape: keptAxes.shape,
    keptStrides: keptAxes.strides[0],
    reducedShape: reducedAxes.shape,
    reducedStrides: reducedAxes.strides[0],
    rows: kept.reduce((n, i) => n * shape[i], 1),
    length: axes.reduce((n, i) => n * shape[i], 1),
  };
}

/**
 * Decides whether each row is folded by one invocation instead of a workgroup. Rows of up to 64 elements
 * always are; rows longer than a workgroup never are, so every invocation of a row's workgroup has
 * an element. In between, a workgroup per row pays off only when there are too few rows to keep
 * the GPU busy with one invocation each. NOTE: the 64 and 4096 are estimates, not tuned on GPUs.
 */
export function invocationPerRow(layout: RowLayout, workgroupSize: number): boolean {
  if (layout.length <= 64) return true;
  if (layout.length > workgroupSize) return false;
  return layout.rows >= 4096;
}

/** Returns a layout of `rows` contiguous rows of `length` elements each. */
export function denseRows(rows: number, length: number): RowLayout {
  return {
    keptShape: [rows],
    keptStrides: [length],
    reducedShape: [length],
    reducedStrides: [1],
    rows,
    length,
  };
}

/** Uniform declarations for a layout's shapes and strides. */
export function rowUniforms(layout: RowLayout): UniformDecl[] {
  const decls: UniformDecl[] = [
    { name: 'rows', type: 'u32' },
    { name: 'length', type: 'u32' },
  ];
  layout.keptShape.forEach((_, i) => {
    decls.push({ name: `keptShape${i}`, type: 'u32' }, { name: `keptStride${i}`, type: 'u32' });
  });
  layout.reducedShape.forEach((_, i) => {
    decls.push(
      { name: `reducedShape${i}`, type: 'u32' },
      { name: `reducedStride${i}`, type: 'u32' },
    );
  });
  return decls;
}

/** Uniform values in the order of `rowUniforms`. */
export function rowUniformValues(layout: RowLayout): number[] {
  const values = [layout.rows, layout.length];
  layout.keptShape.forEach((d, i) => {
    values.push(d, layout.keptStrides[i]);
  });
  layout.reducedShape.forEach((d, i) => {
    values.push(d, layout.reducedStrides[i]);
  });
  return values;
}

/** Returns the part of a cache key that fixes the generated index functions. */
export function rowKey(layout: RowLayout): string {
  return `k${layout.keptShape.length}r${layout.reducedShape.length}`;
}

/** WGSL for `rowBase(row)` and `rowOffset(r)`. */
export function rowFunctions(layout: RowLayout): string {
  return [
    indexFunction('rowBase', 'kept', layout.keptShape.length),
    indexFunction('rowOffset', 'reduced', layout.reducedShape.length),
  ].join('\n\n');
}

function indexFunction(name: string, prefix: string, rank: number): string {
  const lines = [`fn ${name}(flat: u32) -> u32 {`, '  var rest = flat;', '  var offset = 0u;'];
  for (let axis = rank - 1; axis > 0; axis--) {
    lines.push(
      `  offset = offset + (rest % params.${prefix}Shape${axis}) * params.${prefix}Stride${axis};`,
      `  rest = rest / params.${prefix}Shape${axis};`,
    );
  }
  lines.push(`  return offset + rest * params.${prefix}Stride0;`, '}');
  return lines.join('\n');
}
