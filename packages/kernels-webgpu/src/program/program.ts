import type { WgslType } from '../storage';
import { collectSnippets, type Snippet } from './snippets';

/** One storage-buffer binding of a program: a runtime-sized array of `element`. */
export interface BindingDecl {
  readonly name: string;
  /** The array's element type, such as `f32` or `atomic<u32>`. */
  readonly element: string;
  readonly access: 'read' | 'read_write';
}

/** One scalar field of a program's uniform block, read in WGSL as `params.<name>`. */
export interface UniformDecl {
  readonly name: string;
  readonly type: WgslType;
}

/** The WGSL a program contributes: helper snippets, extra declarations and `main`'s body. */
export interface ShaderParts {
  readonly snippets?: readonly Snippet[];
  /** Declarations after the snippets, such as `var<workgroup>` arrays and local functions. */
  readonly declarations?: string;
  /**
   * The body of `main`. It can use `workgroup` (the flat workgroup index, after folding),
   * `local` (local_invocation_index) and `localId` (local_invocation_id).
   */
  readonly main: string;
}

/**
 * A compute program as plain data. The key names the shader: two programs with equal keys must
 * produce the same WGSL, because the compiled pipeline is cached by key and `shader` runs only on
 * the first use of a key.
 */
export interface Program {
  readonly key: string;
  /** Invocations per workgroup along x and y. */
  readonly workgroupSize: readonly [number, number];
  readonly bindings: readonly BindingDecl[];
  readonly uniforms: readonly UniformDecl[];
  readonly shader: () => ShaderParts;
}

/** Returns the uniform fields, with a placeholder when there are none (WGSL has no empty structs). */
export function uniformFields(program: Program): readonly UniformDecl[] {
  return program.uniforms.length > 0 ? program.uniforms : [{ name: 'unused', type: 'u32' }];
}

/** Returns the bytes of the uniform block, a multiple of 16 as uniform bindings are laid out. */
export function uniformBytes(program: Program): number {
  return Math.ceil((uniformFields(program).length * 4) / 16) * 16;
}

/** Assembles the WGSL module: uniform block, bindings, snippets, declarations and entry point. */
export function assembleShader(program: Program): string {
  const parts = program.shader();
  const fields = uniformFields(program)
    .map((u) => `  ${u.name}: ${u.type},`)
    .join('\n');
  const bindings = program.bindings
    .map(
      (b, i) =>
        `@group(0) @binding(${i + 1}) var<storage, ${b.access}> ${b.name}: array<${b.element}>;`,
    )
    .join('\n');
  const [x, y] = program.workgroupSize;
  return [
    `struct Params {\n${fields}\n}`,
    '@group(0) @binding(0) var<uniform> params: Params;',
    bindings,
    collectSnippets(parts.snippets ?? []),
    parts.declarations ?? '',
    `@compute @workgroup_size(${x}, ${y})
fn main(
  @builtin(workgroup_id) workgroupId: vec3<u32>,
  @builtin(num_workgroups) workgroupCount: vec3<u32>,
  @builtin(local_invocation_index) local: u32,
  @builtin(local_invocation_id) localId: vec3<u32>,
) {
  // Dispatches wider than maxComputeWorkgroupsPerDimension are folded into y and z.
  let workgroup = workgroupId.x + workgroupCount.x * (workgroupId.y + workgroupCount.y * workgroupId.z);
${indent(parts.main, '  ')}
}`,
  ]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

function indent(code: string, prefix: string): string {
  return code
    .trim()
    .split('\n')
    .map((line) => (line.length > 0 ? prefix + line : line))
    .join('\n');
}

/**
 * Spreads `count` workgroups over up to three dimensions of at most `maxPerDimension` each: a
 * square when one dimension is too small (65,536 becomes 256 x 256), a cube when two are. Shaders
 * recover the flat index and skip the few workgroups past `count`.
 */
export function foldWorkgroups(count: number, maxPerDimension: number): [number, number, number] {
  if (count <= maxPerDimension) return [count, 1, 1];
  const side = Math.ceil(Math.sqrt(count));
  if (side <= maxPerDimension) return [side, Math.ceil(count / side), 1];
  const edge = Math.ceil(Math.cbrt(count));
  const z = Math.ceil(count / (edge * edge));
  if (edge > maxPerDimension || z > maxPerDimension) {
    throw new RangeError(
      `webgpu: ${count} workgroups do not fit in 3 dimensions of ${maxPerDimension} (maxComputeWorkgroupsPerDimension)`,
    );
  }
  return [edge, edge, z];
}
