/**
 * Row and column reductions in WGSL: LayerNorm forward/backward and column sums.
 *
 * Row kernels run one workgroup of 64 threads per row (rows of a few hundred features), each
 * thread striding over the row, then a tree reduction in workgroup memory. Column kernels run
 * one workgroup of 256 threads per 16 columns: thread (phase, column) strides over the rows in
 * 16 phases (a few hundred rows each for a batch of 4,096 rows), so neighbouring threads read
 * neighbouring addresses and enough workgroups run to fill the GPU.
 */
import { bindings, entry, type Access } from './layout.js';

/** Tree reduction of `buf` (size WG) into buf[0]; every thread must reach it. */
export const treeSum = (buf: string, wg: number) => `
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { ${buf}[lid] = ${buf}[lid] + ${buf}[lid + s]; }
    workgroupBarrier();
  }`;

export const treeMax = (buf: string, wg: number) => `
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { ${buf}[lid] = max(${buf}[lid], ${buf}[lid + s]); }
    workgroupBarrier();
  }`;


/** x [R, D], gamma, beta [D] → y [R, D], mean [R], rstd [R] (biased variance, two passes as tf.moments). */
export const LAYERNORM_FORWARD = `
${bindings({ x: 'read', gamma: 'read', beta: 'read', y: 'read_write', mean: 'read_write', rstd: 'read_write' }, 'rows: u32, D: u32, eps: f32, pad: u32')}
var<workgroup> red: array<f32, 64>;
${entry(64)}
  if (group >= u.rows) { return; }
  let base = group * u.D;
  var acc = 0.0;
  for (var i = lid; i < u.D; i = i + 64u) { acc = acc + x[base + i]; }
  red[lid] = acc;
  ${treeSum('red', 64)}
  let m = red[0] / f32(u.D);
  workgroupBarrier();
  var sq = 0.0;
  for (var i = lid; i < u.D; i = i + 64u) { let d = x[base + i] - m; sq = sq + d * d; }
  red[lid] = sq;
  ${treeSum('red', 64)}
  let r = inverseSqrt(red[0] / f32(u.D) + u.eps);
  for (var i = lid; i < u.D; i = i + 64u) { y[base + i] = (x[base + i] - m) * r * gamma[i] + beta[i]; }
  if (lid == 0u) { mean[group] = m; rstd[group] = r; }
}`;

/** dx = rstd·(gy − mean(gy) − x̂·mean(gy·x̂)) with gy = dy·gamma, one row per workgroup. */
export const LAYERNORM_BACKWARD_ROWS = `
${bindings({ x: 'read', gamma: 'read', mean: 'read', rstd: 'read', dy: 'read', dx: 'read_write' }, 'rows: u32, D: u32, pad0: u32, pad1: u32')}
var<workgroup> r1: array<f32, 64>;
var<workgroup> r2: array<f32, 64>;
${entry(64)}
  if (group >= u.rows) { return; }
  let base = group * u.D;
  let m = mean[group];
  let r = rstd[group];
  var a = 0.0;
  var b = 0.0;
  for (var i = lid; i < u.D; i = i + 64u) {
    let gy = dy[base + i] * gamma[i];
    a = a + gy;
    b = b + gy * (x[base + i] - m) * r;
  }
  r1[lid] = a;
  r2[lid] = b;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (lid < s) { r1[lid] = r1[lid] + r1[lid + s]; r2[lid] = r2[lid] + r2[lid + s]; }
    workgroupBarrier();
  }
  let mgy = r1[0] / f32(u.D);
  let mgx = r2[0] / f32(u.D);
  for (var i = lid; i < u.D; i = i + 64u) {
    let xhat = (x[base + i] - m) * r;
    dx[base + i] = r * (dy[base + i] * gamma[i] - mgy - xhat * mgx);
  }
}`;

/**
 * Column sums over rows, 16 columns per workgroup. With NORM, also Σ dy·x̂ (LayerNorm's dgamma,
 * written to out2) from x, mean and rstd.
 */
export function columnSums(norm: boolean): string {
  const buffers: Record<string, Access> = norm
    ? { dy: 'read', x: 'read', mean: 'read', rstd: 'read', out: 'read_write', out2: 'read_write' }
    : { dy: 'read', out: 'read_write' };
  return `
${bindings(buffers, 'rows: u32, cols: u32, pad0: u32, pad1: u32')}
var<workgroup> s1: array<f32, 256>;
${norm ? 'var<workgroup> s2: array<f32, 256>;' : ''}
${entry(256)}
  let col = group * 16u + (lid % 16u);
  let phase = lid / 16u;
  var a = 0.0;
  ${norm ? 'var b = 0.0;' : ''}
  if (col < u.cols) {
    for (var r = phase; r < u.rows; r = r + 16u) {
      let g = dy[r * u.cols + col];
      a = a + g;
      ${norm ? 'b = b + g * (x[r * u.cols + col] - mean[r]) * rstd[r];' : ''}
    }
  }
  s1[lid] = a;
  ${norm ? 's2[lid] = b;' : ''}
  workgroupBarrier();
  if (phase == 0u && col < u.cols) {
    var t1 = 0.0;
    ${norm ? 'var t2 = 0.0;' : ''}
    for (var q = 0u; q < 16u; q = q + 1u) {
      t1 = t1 + s1[lid + 16u * q];
      ${norm ? 't2 = t2 + s2[lid + 16u * q];' : ''}
    }
    out[col] = t1;
    ${norm ? 'out2[col] = t2;' : ''}
  }
}`;
}
