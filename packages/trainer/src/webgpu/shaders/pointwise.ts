/**
 * Element-wise kernels in WGSL: exact GELU with its derivative, and the masked-MSE loss
 * (partial sums, then one workgroup finishing the mean) with its gradient.
 *
 * Element kernels use 256 threads per workgroup and fold the workgroup index into 2-D, so any
 * size fits the 65,535-workgroups-per-dimension limit.
 */
import { bindings, entry } from './layout.js';
import { treeSum } from './rows.js';

const elementMain = `${entry(256)}
  let idx = group * 256u + lid;`;

/**
 * erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7) — the approximation tfjs's own cpu and
 * webgpu Erf kernels use, so the backends agree.
 */
const ERF = `
fn erf_as(x: f32) -> f32 {
  let ax = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * ax);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-ax * ax);
  return select(-y, y, x >= 0.0);
}`;

/** x → y = x·Φ(x) and dy/dx = Φ(x) + x·φ(x) (saved for the backward multiply). */
export const GELU = `
${ERF}
${bindings({ x: 'read', y: 'read_write', dydx: 'read_write' }, 'n: u32, pad0: u32, pad1: u32, pad2: u32')}
${elementMain}
  if (idx >= u.n) { return; }
  let v = x[idx];
  let cdf = 0.5 * (1.0 + erf_as(v * 0.7071067811865476));
  y[idx] = v * cdf;
  dydx[idx] = cdf + v * 0.3989422804014327 * exp(-0.5 * v * v);
}`;

/** Partial sums of (pred − target)² over 256-thread workgroups, each covering ITEMS·256 values. */
export const MSE_PARTIALS = `
${bindings({ pred: 'read', tgt: 'read', partial: 'read_write' }, 'n: u32, perGroup: u32, pad0: u32, pad1: u32')}
var<workgroup> red: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let start = wid.x * u.perGroup;
  let end = min(start + u.perGroup, u.n);
  var acc = 0.0;
  for (var i = start + lid; i < end; i = i + 256u) { let d = pred[i] - tgt[i]; acc = acc + d * d; }
  red[lid] = acc;
  ${treeSum('red', 256)}
  if (lid == 0u) { partial[wid.x] = red[0]; }
}`;

/** Σ partials / n → the scalar loss (one workgroup). */
export const MSE_FINISH = `
${bindings({ partial: 'read', loss: 'read_write' }, 'count: u32, n: u32, pad0: u32, pad1: u32')}
var<workgroup> red: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var i = lid; i < u.count; i = i + 256u) { acc = acc + partial[i]; }
  red[lid] = acc;
  ${treeSum('red', 256)}
  if (lid == 0u) { loss[0] = red[0] / f32(u.n); }
}`;

/** d loss / d pred = dy · 2(pred − target)/n, dy the upstream scalar gradient. */
export const MSE_BACKWARD = `
${bindings({ pred: 'read', tgt: 'read', dy: 'read', dpred: 'read_write' }, 'n: u32, pad0: u32, pad1: u32, pad2: u32')}
${elementMain}
  if (idx >= u.n) { return; }
  dpred[idx] = dy[0] * 2.0 * (pred[idx] - tgt[idx]) / f32(u.n);
}`;
