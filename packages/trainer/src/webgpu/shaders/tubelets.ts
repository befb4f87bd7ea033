/**
 * The step's pixel inputs on the GPU: the tubelets of the tokens `ids` ([B·n] per-clip token
 * ids, grouped by clip) copied out of clips [B, T, H, W, C] into rows [B·n, P] laid out
 * (t, h, w, C) as patchify does; with NORMALISE each row is standardised per channel over its
 * tt·th·tw pixels (unbiased std + 1e-6, VideoMAE's normalised target, as inputs.ts). One
 * workgroup of 256 threads per row; C ≤ 4.
 */
import { bindings, entry } from './layout.js';
import { treeSum } from './rows.js';

export function tubeletsShader(normalise: boolean): string {
  const stats = normalise
    ? `
  for (var c = 0u; c < u.C; c = c + 1u) {
    var acc = 0.0;
    for (var j = lid; j < pixels; j = j + 256u) { acc = acc + clips[source(j * u.C + c)]; }
    red[lid] = acc;
    ${treeSum('red', 256)}
    if (lid == 0u) { mean[c] = red[0] / f32(pixels); }
    workgroupBarrier();
    var sq = 0.0;
    for (var j = lid; j < pixels; j = j + 256u) { let d = clips[source(j * u.C + c)] - mean[c]; sq = sq + d * d; }
    red[lid] = sq;
    ${treeSum('red', 256)}
    if (lid == 0u) { scale[c] = 1.0 / (sqrt(red[0] / f32(pixels - 1u)) + 1e-6); }
    workgroupBarrier();
  }`
    : '';
  const value = normalise ? '(clips[source(i)] - mean[i % u.C]) * scale[i % u.C]' : 'clips[source(i)]';
  return `
${bindings(
    { clips: 'read', ids: 'read i32', out: 'read_write' },
    'per: u32, T: u32, H: u32, W: u32, C: u32, tt: u32, th: u32, tw: u32, gh: u32, gw: u32, rows: u32, pad: u32',
  )}
var<workgroup> red: array<f32, 256>;
var<workgroup> mean: array<f32, 4>;
var<workgroup> scale: array<f32, 4>;
var<private> rowBase: u32;
var<private> b: u32;
var<private> gt: u32;
var<private> gy: u32;
var<private> gx: u32;

/** Index into clips of element i of this row's tubelet. */
fn source(i: u32) -> u32 {
  let c = i % u.C;
  let pixel = i / u.C;
  let dx = pixel % u.tw;
  let dy = (pixel / u.tw) % u.th;
  let dt = pixel / (u.tw * u.th);
  return (((b * u.T + gt * u.tt + dt) * u.H + gy * u.th + dy) * u.W + gx * u.tw + dx) * u.C + c;
}

${entry(256)}
  let row = group;
  if (row >= u.rows) { return; }
  let id = u32(ids[row]);
  b = row / u.per;
  gx = id % u.gw;
  gy = (id / u.gw) % u.gh;
  gt = id / (u.gw * u.gh);
  let pixels = u.tt * u.th * u.tw;
  let P = pixels * u.C;
  ${stats}
  for (var i = lid; i < P; i = i + 256u) { out[row * P + i] = ${value}; }
}`;
}
