/* Element-wise and row-wise kernels: GELU, LayerNorm, transpose, column sums, AdamW. */
#include "simd.h"

/* ---------------------------------------------------------------------------------------- */
/* GELU, exact form x·Φ(x) with erf from Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7).      */

static inline void phi_parts(f4 x, f4 *cdf, f4 *pdf) {
  f4 z = mul(x, splat(0.70710678118654752f));
  f4 az = wasm_f32x4_abs(z);
  f4 t = wasm_f32x4_div(splat(1.0f), add(splat(1.0f), mul(az, splat(0.3275911f))));
  f4 poly = splat(1.061405429f);
  poly = add(mul(poly, t), splat(-1.453152027f));
  poly = add(mul(poly, t), splat(1.421413741f));
  poly = add(mul(poly, t), splat(-0.284496736f));
  poly = add(mul(poly, t), splat(0.254829592f));
  poly = mul(poly, t);
  f4 e = v_exp(wasm_f32x4_neg(mul(z, z))); /* exp(-x²/2) */
  f4 tail = mul(splat(0.5f), mul(poly, e)); /* = 0.5·(1 - erf|z|) */
  v128_t neg = wasm_f32x4_lt(x, splat(0.0f));
  *cdf = wasm_v128_bitselect(tail, sub(splat(1.0f), tail), neg);
  *pdf = mul(e, splat(0.39894228040143268f));
}

/* y = x·Φ(x) and, for the backward pass, dydx = Φ(x) + x·φ(x) (so backward is one multiply). */
EXPORT(gelu_forward)
void gelu_forward(const float *restrict x, float *restrict y, float *restrict dydx, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    f4 xv = ld(x + i), cdf, pdf;
    phi_parts(xv, &cdf, &pdf);
    st(y + i, mul(xv, cdf));
    st(dydx + i, add(cdf, mul(xv, pdf)));
  }
  for (; i < n; i++) {
    f4 xv = splat(x[i]), cdf, pdf;
    phi_parts(xv, &cdf, &pdf);
    y[i] = wasm_f32x4_extract_lane(mul(xv, cdf), 0);
    dydx[i] = wasm_f32x4_extract_lane(add(cdf, mul(xv, pdf)), 0);
  }
}

/* ---------------------------------------------------------------------------------------- */
/* LayerNorm over the last axis (biased variance, as torch.nn.LayerNorm). x, y: [rows, D].  */

EXPORT(layernorm_forward)
void layernorm_forward(const float *x, const float *gamma, const float *beta, float *y, float *mean,
                       float *rstd, int rows, int D, float eps) {
  const float invD = 1.0f / (float)D;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * D;
    float *yr = y + r * D;
    f4 s = splat(0);
    for (int c = 0; c < D; c += 4) s = add(s, ld(xr + c));
    float mu = hsum(s) * invD;
    f4 muv = splat(mu), ss = splat(0);
    for (int c = 0; c < D; c += 4) {
      f4 d = sub(ld(xr + c), muv);
      ss = add(ss, mul(d, d));
    }
    float rs = 1.0f / __builtin_sqrtf(hsum(ss) * invD + eps);
    f4 rsv = splat(rs);
    for (int c = 0; c < D; c += 4)
      st(yr + c, add(mul(mul(sub(ld(xr + c), muv), rsv), ld(gamma + c)), ld(beta + c)));
    mean[r] = mu;
    rstd[r] = rs;
  }
}

EXPORT(layernorm_backward)
void layernorm_backward(const float *x, const float *gamma, const float *mean, const float *rstd,
                        const float *dy, float *dx, float *dgamma, float *dbeta, int rows, int D) {
  const float invD = 1.0f / (float)D;
  for (int c = 0; c < D; c += 4) {
    st(dgamma + c, splat(0));
    st(dbeta + c, splat(0));
  }
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * D, *dyr = dy + r * D;
    float *dxr = dx + r * D;
    f4 muv = splat(mean[r]), rsv = splat(rstd[r]);
    f4 sg = splat(0), sgx = splat(0);
    for (int c = 0; c < D; c += 4) {
      f4 xh = mul(sub(ld(xr + c), muv), rsv), dyv = ld(dyr + c), g = mul(dyv, ld(gamma + c));
      sg = add(sg, g);
      sgx = add(sgx, mul(g, xh));
      st(dgamma + c, add(ld(dgamma + c), mul(dyv, xh)));
      st(dbeta + c, add(ld(dbeta + c), dyv));
    }
    f4 mg = splat(hsum(sg) * invD), mgx = splat(hsum(sgx) * invD);
    for (int c = 0; c < D; c += 4) {
      f4 xh = mul(sub(ld(xr + c), muv), rsv), g = mul(ld(dyr + c), ld(gamma + c));
      st(dxr + c, mul(rsv, sub(sub(g, mg), mul(xh, mgx))));
    }
  }
}

/* ---------------------------------------------------------------------------------------- */
/* dst[c, r] = src[r, c]. 4×4 register transposes inside 16×16 tiles; the tiles keep the
 * strided side within a few cache lines even when rows·4 bytes is a power of two.          */

static inline void transpose4x4(const float *s, int sstride, float *d, int dstride) {
  f4 r0 = ld(s), r1 = ld(s + sstride), r2 = ld(s + 2 * sstride), r3 = ld(s + 3 * sstride);
  f4 t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  f4 t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  st(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
  st(d + dstride, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
  st(d + 2 * dstride, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
  st(d + 3 * dstride, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
}

EXPORT(transpose2d)
void transpose2d(const float *src, float *dst, int rows, int cols) {
  const int r4 = rows & ~3, c4 = cols & ~3;
  for (int r0 = 0; r0 < r4; r0 += 16) {
    int r1 = r0 + 16 < r4 ? r0 + 16 : r4;
    for (int c0 = 0; c0 < c4; c0 += 16) {
      int c1 = c0 + 16 < c4 ? c0 + 16 : c4;
      for (int r = r0; r < r1; r += 4)
        for (int c = c0; c < c1; c += 4) transpose4x4(src + r * cols + c, cols, dst + c * rows + r, rows);
    }
  }
  for (int r = 0; r < rows; r++) /* ragged edges */
    for (int c = (r < r4 ? c4 : 0); c < cols; c++) dst[c * rows + r] = src[r * cols + c];
}

/* out[c] = Σ_r x[r, c] (bias gradients; tf.sum over axis 0 is a scalar strided loop on wasm). */
EXPORT(column_sum)
void column_sum(const float *restrict x, float *restrict out, int rows, int cols) {
  const int c4 = cols & ~3;
  for (int c = 0; c < cols; c++) out[c] = 0.0f;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    for (int c = 0; c < c4; c += 4) st(out + c, add(ld(out + c), ld(xr + c)));
    for (int c = c4; c < cols; c++) out[c] += xr[c];
  }
}

/* ---------------------------------------------------------------------------------------- */
/* AdamW (decoupled decay, PyTorch order): p ← p·(1 − lr·wd); m ← β1 m + (1−β1) g;
 * v ← β2 v + (1−β2) g²; p ← p − lr·(m/bc1)/(sqrt(v/bc2) + eps). g is pre-multiplied by
 * `gscale` (the clipping factor). Writes new buffers; inputs are never modified.           */

EXPORT(adamw_update)
void adamw_update(const float *restrict p, const float *restrict g, const float *restrict m, const float *restrict v,
                  float *restrict p2, float *restrict m2, float *restrict v2, int n, float lr, float b1, float b2,
                  float eps, float wd, float bc1, float bc2, float gscale) {
  const f4 vb1 = splat(b1), vb2 = splat(b2), c1 = splat(1.0f - b1), c2 = splat(1.0f - b2), vs = splat(gscale);
  const f4 decay = splat(1.0f - lr * wd), step = splat(lr / bc1), ibc2 = splat(1.0f / bc2), veps = splat(eps);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    f4 gi = mul(ld(g + i), vs);
    f4 mi = add(mul(vb1, ld(m + i)), mul(c1, gi));
    f4 vi = add(mul(vb2, ld(v + i)), mul(c2, mul(gi, gi)));
    f4 denom = add(wasm_f32x4_sqrt(mul(vi, ibc2)), veps);
    st(p2 + i, sub(mul(ld(p + i), decay), wasm_f32x4_div(mul(step, mi), denom)));
    st(m2 + i, mi);
    st(v2 + i, vi);
  }
  for (; i < n; i++) {
    float gi = g[i] * gscale;
    float mi = b1 * m[i] + (1.0f - b1) * gi;
    float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    p2[i] = p[i] * (1.0f - lr * wd) - (lr / bc1) * mi / (__builtin_sqrtf(vi / bc2) + eps);
    m2[i] = mi;
    v2[i] = vi;
  }
}

/* Σ x² (for global-norm clipping and grad-norm metrics), accumulated in double. */
EXPORT(sum_squares)
double sum_squares(const float *x, int n) {
  double s = 0.0;
  int i = 0;
  f4 acc = splat(0);
  for (; i + 4 <= n; i += 4) {
    f4 xv = ld(x + i);
    acc = add(acc, mul(xv, xv));
    if ((i & 1023) == 1020) {
      s += (double)hsum(acc);
      acc = splat(0);
    }
  }
  s += (double)hsum(acc);
  for (; i < n; i++) s += (double)x[i] * (double)x[i];
  return s;
}
