/**
 * Index arithmetic emitted into program source. Tensors are stored flat in row-major order, so
 * a program turns its flat output index into coordinates (`unravel`) and coordinates into flat
 * input offsets (`offsetOf`). All of it is float arithmetic on whole numbers, exact below 2^24.
 */

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * Strides of a tensor of `shape` broadcast to `outShape`: aligned to the trailing axes, 0 along
 * broadcast axes.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const strides = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    strides[offset + i] = shape[i] === 1 ? 0 : own[i];
  }
  return strides;
}

/**
 * Drops size-1 axes and merges neighbours that every operand walks as one axis
 * (strides[i] === strides[i + 1] * shape[i + 1]), so fewer divisions are emitted.
 */
export function collapseAxes(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    if (shape[axis] === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 && strides.every((s, k) => outStrides[k][last] === s[axis] * shape[axis]);
    if (mergeable) {
      outShape[last] *= shape[axis];
      strides.forEach((s, k) => {
        outStrides[k][last] = s[axis];
      });
    } else {
      outShape.push(shape[axis]);
      strides.forEach((s, k) => {
        outStrides[k].push(s[axis]);
      });
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Emits statements that split the flat index `index` over `shape` into one coordinate per axis.
 * Returns the statements and, per axis, an expression for its coordinate ('0' on size-1 axes).
 * `prefix` keeps the variable names of several calls apart.
 */
export function unravel(
  index: string,
  shape: readonly number[],
  prefix: string,
): { code: string; coords: string[] } {
  const coords = shape.map(() => '0');
  const lines: string[] = [];
  const first = shape.findIndex((d) => d !== 1);
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const d = shape[axis];
    if (d === 1) continue;
    if (axis === first) {
      coords[axis] = rest;
      break;
    }
    const quotient = `${prefix}q${axis}`;
    lines.push(`const ${quotient} = tsDiv(${rest}, ${d});`);
    lines.push(`const ${prefix}${axis} = ${rest} - ${quotient} * ${d};`);
    coords[axis] = `${prefix}${axis}`;
    rest = quotient;
  }
  return { code: lines.join('\n'), coords };
}

/** Returns an expression for the flat offset `base + sum(coords[i] * strides[i])`. */
export function offsetOf(
  coords: readonly string[],
  strides: readonly number[],
  base: number | string = 0,
): string {
  const terms: string[] = [];
  if (base !== 0 && base !== '0') terms.push(String(base));
  coords.forEach((c, i) => {
    const s = strides[i];
    if (s === 0 || c === '0') return;
    const factor = /^[\w.]+$/.test(c) ? c : `(${c})`;
    terms.push(s === 1 ? factor : `${factor} * ${s}`);
  });
  return terms.length === 0 ? '0' : terms.join(' + ');
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Lines that set `part` and `e` in a program that computes `parts` partial results for each of
 * `size` output elements: launch element `i` is element `e` of part `part`.
 */
export function partOf(parts: number, size: number): string {
  if (parts === 1) return 'const part = 0;\nconst e = i;';
  return `const part = tsDiv(i, ${size});\nconst e = i - part * ${size};`;
}

/**
 * Lines that set `base`, the first element of row `row` when a tensor is viewed as
 * [outer, length, inner]: the row runs along the middle axis, its elements `inner` apart.
 */
export function rowBase(row: string, length: number, inner: number): string {
  const start = `o * ${length * inner} + (${row} - o * ${inner})`;
  return `const o = tsDiv(${row}, ${inner});\nconst base = ${start};`;
}

/**
 * Lines that set `name` to the output position whose window reads input coordinate `t`, and
 * open a block that runs only when that position exists.
 */
export function windowPosition(name: string, t: string, stride: number, limit: number): string {
  if (stride === 1) return `const ${name} = ${t};\nif (${name} >= 0 && ${name} < ${limit}) {`;
  const exists = `${t} >= 0 && ${name} * ${stride} == ${t} && ${name} < ${limit}`;
  return `const ${name} = tsDiv(${t}, ${stride});\nif (${exists}) {`;
}
