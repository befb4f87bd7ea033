/**
 * Multi-tensor AdamW in WGSL: one dispatch covers several parameters (as many as the device's
 * storage-buffer limit allows), instead of a chain of element-wise kernels per tensor.
 *
 * 1. SUM_SQUARES(n): one workgroup per gradient tensor writes Σg² to partial[slot + t].
 * 2. ADAMW(n): p, m, v updated in place for n parameters. Every thread computes its group's
 *    clip factor from the group's partial sums (a handful of values), and the whole update is
 *    skipped unless every loss of the step and the norm are finite — so a diverged step leaves
 *    the weights of the previous step intact without a read-back before the update.
 *
 * The update is PyTorch's AdamW (see optim/adamw.ts), in the same order of operations as the
 * tfjs path so the backends agree to rounding.
 */
import { bindings, entry, type Access } from './layout.js';
import { treeSum } from './rows.js';

const ITEMS = 4; // elements per thread in the update kernel

export const UPDATE_ELEMENTS_PER_GROUP = 256 * ITEMS;

export function sumSquaresShader(n: number): string {
  const gradients = Object.fromEntries(Array.from({ length: n }, (_, t): [string, Access] => [`g${t}`, 'read']));
  const cases = Array.from(
    { length: n },
    (_, t) => `case ${t}u: { for (var i = lid; i < u.size${t}; i = i + 256u) { let v = g${t}[i]; acc = acc + v * v; } }`,
  ).join('\n      ');
  const sizes = Array.from({ length: n }, (_, t) => `size${t}: u32,`).join(' ');
  return `
${bindings({ ...gradients, partial: 'read_write' }, `slot: u32, ${sizes}`)}
var<workgroup> red: array<f32, 256>;
${entry(256)}
  var acc = 0.0;
  switch group {
      ${cases}
      default: {}
  }
  red[lid] = acc;
  ${treeSum('red', 256)}
  if (lid == 0u && group < ${n}u) { partial[u.slot + group] = red[0]; }
}`;
}

export function adamwShader(n: number): string {
  // Per parameter t: its weights, gradient and two moments, bound 4t … 4t + 3.
  const parameters = Object.fromEntries(
    Array.from({ length: n }, (_, t): [string, Access][] => [[`p${t}`, 'read_write'], [`g${t}`, 'read'], [`m${t}`, 'read_write'], [`v${t}`, 'read_write']]).flat(),
  );
  const fields = Array.from({ length: n }, (_, t) => `size${t}: u32, start${t}: u32, wd${t}: f32,`).join(' ');
  const pick = Array.from({ length: n }, (_, t) => `if (group >= u.start${t}) { k = ${t}u; }`).join(' ');
  const cases = Array.from(
    { length: n },
    (_, t) => `case ${t}u: {
        let local = (group - u.start${t}) * ${UPDATE_ELEMENTS_PER_GROUP}u;
        for (var e = 0u; e < ${ITEMS}u; e = e + 1u) {
          let i = local + e * 256u + lid;
          if (i < u.size${t}) {
            let gc = g${t}[i] * scale;
            let mNew = m${t}[i] * u.beta1 + gc * (1.0 - u.beta1);
            let vNew = v${t}[i] * u.beta2 + gc * gc * (1.0 - u.beta2);
            let update = (mNew / u.bc1) / (sqrt(vNew / u.bc2) + u.eps);
            p${t}[i] = p${t}[i] * (1.0 - u.lr * u.wd${t}) - update * u.lr;
            m${t}[i] = mNew;
            v${t}[i] = vNew;
          }
        }
      }`,
  ).join('\n      ');
  return `
${bindings(
    { ...parameters, partial: 'read', losses: 'read' },
    `lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32, clip: f32, slot: u32, slots: u32, lossCount: u32, ${fields}`,
  )}
fn isFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
${entry(256)}
  var sq = 0.0;
  for (var s = 0u; s < u.slots; s = s + 1u) { sq = sq + partial[u.slot + s]; }
  // finiteness by the exponent bits: shader compilers may assume comparisons never see NaN
  var finite = isFinite(sq);
  for (var l = 0u; l < u.lossCount; l = l + 1u) { finite = finite && isFinite(losses[l]); }
  if (!finite) { return; }
  let norm = sqrt(sq);
  let scale = select(1.0, min(1.0, u.clip / (norm + 1e-6)), u.clip > 0.0);
  var k = 0u;
  ${pick}
  switch k {
      ${cases}
      default: {}
  }
}`;
}
