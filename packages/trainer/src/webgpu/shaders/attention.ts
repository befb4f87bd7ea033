/**
 * Multi-head self-attention within each clip, forward and backward, in WGSL.
 *
 * Layout: qkv [B·N, 3D] with features (3, heads, head dim), as the qkv projection writes them;
 * out and dy [B·N, D] (heads concatenated); probs and dS [B, H, N, N]. One workgroup of 64
 * threads per (clip, head, row); the row's N scores live in workgroup memory (N ≤ MAX_TOKENS).
 *
 *   forward:  s_ij = scale·q_i·k_j, p_i = softmax(s_i), o_i = Σ_j p_ij v_j
 *   backward: dP_ij = dO_i·v_j, dS_ij = p_ij (dP_ij − Σ_k p_ik dP_ik),
 *             dQ_i = scale Σ_j dS_ij k_j  (pass A, per row i; stores dS)
 *             dK_j = scale Σ_i dS_ij q_i, dV_j = Σ_i p_ij dO_i  (pass B, per column j)
 */
import { bindings, entry } from './layout.js';
import { treeMax, treeSum } from './rows.js';

export const MAX_TOKENS = 1024;

const uniforms = 'B: u32, N: u32, H: u32, dh: u32, scale: f32, pad0: u32, pad1: u32, pad2: u32';

/** Decodes the folded workgroup index into (b, h, i) and the row offsets used below. */
const locate = `
  if (group >= u.B * u.H * u.N) { return; }
  let i = group % u.N;
  let h = (group / u.N) % u.H;
  let b = group / (u.N * u.H);
  let D = u.H * u.dh;
  let W = 3u * D;
  let rowBase = b * u.N;          // first token row of clip b
  let qOff = h * u.dh;
  let kOff = D + h * u.dh;
  let vOff = 2u * D + h * u.dh;
  let pBase = ((b * u.H + h) * u.N) * u.N; // probs[b, h, 0, 0]`;

export const ATTENTION_FORWARD = `
${bindings({ qkv: 'read', out: 'read_write', probs: 'read_write' }, uniforms)}
var<workgroup> sc: array<f32, ${MAX_TOKENS}>;
var<workgroup> red: array<f32, 64>;
${entry(64)}
  ${locate}
  let qi = (rowBase + i) * W + qOff;
  var mx = -3.4e38;
  for (var j = lid; j < u.N; j = j + 64u) {
    let kj = (rowBase + j) * W + kOff;
    var s = 0.0;
    for (var d = 0u; d < u.dh; d = d + 1u) { s = s + qkv[qi + d] * qkv[kj + d]; }
    s = s * u.scale;
    sc[j] = s;
    mx = max(mx, s);
  }
  red[lid] = mx;
  ${treeMax('red', 64)}
  let m = red[0];
  workgroupBarrier();
  var tot = 0.0;
  for (var j = lid; j < u.N; j = j + 64u) { let e = exp(sc[j] - m); sc[j] = e; tot = tot + e; }
  red[lid] = tot;
  ${treeSum('red', 64)}
  let inv = 1.0 / red[0];
  for (var j = lid; j < u.N; j = j + 64u) { let p = sc[j] * inv; sc[j] = p; probs[pBase + i * u.N + j] = p; }
  workgroupBarrier();
  for (var d = lid; d < u.dh; d = d + 64u) {
    var o = 0.0;
    for (var j = 0u; j < u.N; j = j + 1u) { o = o + sc[j] * qkv[(rowBase + j) * W + vOff + d]; }
    out[(rowBase + i) * D + h * u.dh + d] = o;
  }
}`;

export const ATTENTION_BACKWARD_ROWS = `
${bindings({ qkv: 'read', probs: 'read', dy: 'read', dqkv: 'read_write', ds: 'read_write' }, uniforms)}
var<workgroup> dp: array<f32, ${MAX_TOKENS}>;
var<workgroup> red: array<f32, 64>;
${entry(64)}
  ${locate}
  let oi = (rowBase + i) * D + h * u.dh;
  var acc = 0.0;
  for (var j = lid; j < u.N; j = j + 64u) {
    let vj = (rowBase + j) * W + vOff;
    var s = 0.0;
    for (var d = 0u; d < u.dh; d = d + 1u) { s = s + dy[oi + d] * qkv[vj + d]; }
    dp[j] = s;
    acc = acc + s * probs[pBase + i * u.N + j];
  }
  red[lid] = acc;
  ${treeSum('red', 64)}
  let rowdot = red[0];
  for (var j = lid; j < u.N; j = j + 64u) {
    let p = probs[pBase + i * u.N + j];
    let g = p * (dp[j] - rowdot);
    dp[j] = g;
    ds[pBase + i * u.N + j] = g;
  }
  workgroupBarrier();
  for (var d = lid; d < u.dh; d = d + 64u) {
    var q = 0.0;
    for (var j = 0u; j < u.N; j = j + 1u) { q = q + dp[j] * qkv[(rowBase + j) * W + kOff + d]; }
    dqkv[(rowBase + i) * W + qOff + d] = q * u.scale;
  }
}`;

/** Pass B: here "i" is the key/value row j of the formulas (the workgroup's token). */
export const ATTENTION_BACKWARD_COLUMNS = `
${bindings({ qkv: 'read', probs: 'read', dy: 'read', ds: 'read', dqkv: 'read_write' }, uniforms)}
${entry(64)}
  ${locate}
  let j = i;
  for (var d = lid; d < u.dh; d = d + 64u) {
    var dk = 0.0;
    var dv = 0.0;
    for (var r = 0u; r < u.N; r = r + 1u) {
      let at = pBase + r * u.N + j;
      dk = dk + ds[at] * qkv[(rowBase + r) * W + qOff + d];
      dv = dv + probs[at] * dy[(rowBase + r) * D + h * u.dh + d];
    }
    dqkv[(rowBase + j) * W + kOff + d] = dk * u.scale;
    dqkv[(rowBase + j) * W + vOff + d] = dv;
  }
}`;
