/**
 * What every kernel declares alike. Its storage buffers are bound at @group(0) in the order the
 * dispatch passes them (kernels.ts, optimizer.ts, inputs.ts), then its uniform struct `U` as `u`;
 * its entry point runs one workgroup per index of a 2-D grid folded into `group`, so any count
 * fits the 65,535-workgroups-per-dimension limit.
 */

/** How a kernel uses a buffer; elements are f32 unless `i32` follows the access. */
export type Access = 'read' | 'read_write';
export type BufferUse = Access | `${Access} i32`;

/** The buffers by name, bound 0, 1, … in the order given, then `U { uniform }` bound after them. */
export function bindings(buffers: Readonly<Record<string, BufferUse>>, uniform: string): string {
  const lines = Object.entries(buffers).map(([name, use], binding) => {
    const [access, element = 'f32'] = use.split(' ');
    return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: array<${element}>;`;
  });
  return [...lines, `struct U { ${uniform} }`, `@group(0) @binding(${lines.length}) var<uniform> u: U;`].join('\n');
}

/** The entry point for workgroups of `size` threads: `group` (folded), `lid` within it. */
export const entry = (size: number) => `@compute @workgroup_size(${size})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let group = wid.y * nwg.x + wid.x;`;
