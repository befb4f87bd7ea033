/*
 * SIMD kernels for the tfjs wasm backend (compiled by scripts/build-kernels.mjs into
 * src/kernels/wasm-binary.ts; the TypeScript side is src/kernels/wasm-kernels.ts).
 *
 * Why: tfjs-backend-wasm 4.22 runs BatchMatMul through a scalar loop (~3 GFLOP/s, against
 * ~40 for its 2-D XNNPACK path), and its erf/exp/transpose/slice kernels are scalar too. These
 * kernels cover exactly what a ViT step needs beyond 2-D matmuls: fused multi-head attention
 * (forward and backward, reading q/k/v straight out of the qkv projection so heads are never
 * transposed), exact-erf GELU, LayerNorm, a blocked 2-D transpose, column sums and the AdamW
 * update.
 *
 * Contract: the module imports the tfjs wasm backend's linear memory; every pointer is an
 * offset into it, owned by tfjs tensors (inputs read-only, outputs freshly allocated) or by
 * scratch tensors the caller allocates. Nothing here uses the shadow stack or static data, so
 * the module never writes outside the buffers it is given (the build script checks this).
 * Feature widths (head dim, LayerNorm width) must be multiples of 4; the caller falls back to
 * plain tfjs ops otherwise.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
typedef v128_t f4;

static inline f4 splat(float x) { return wasm_f32x4_splat(x); }
static inline f4 ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, f4 v) { wasm_v128_store(p, v); }
static inline f4 add(f4 a, f4 b) { return wasm_f32x4_add(a, b); }
static inline f4 sub(f4 a, f4 b) { return wasm_f32x4_sub(a, b); }
static inline f4 mul(f4 a, f4 b) { return wasm_f32x4_mul(a, b); }
static inline float hsum(f4 v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

/* exp(x) (Cephes expf: range reduction by ln 2, degree-6 polynomial, exponent by integer
 * add), relative error ~1e-7 on [-87, 88]. Rounding x·log2(e) to an integer uses the 1.5·2^23
 * magic constant, which leaves the integer in the low mantissa bits (cheaper than floor +
 * i32x4.trunc_sat on x86). */
static inline f4 v_exp(f4 x) {
  const f4 magic = splat(12582912.0f);
  x = wasm_f32x4_max(x, splat(-87.0f));
  x = wasm_f32x4_min(x, splat(88.0f));
  f4 t = add(mul(x, splat(1.44269504088896341f)), magic);
  v128_t n = wasm_i32x4_sub(t, magic); /* round(x·log2 e) as an integer */
  f4 fx = sub(t, magic);
  x = sub(x, mul(fx, splat(0.693359375f)));
  x = sub(x, mul(fx, splat(-2.12194440e-4f)));
  f4 z = mul(x, x);
  f4 y = splat(1.9875691500e-4f);
  y = add(mul(y, x), splat(1.3981999507e-3f));
  y = add(mul(y, x), splat(8.3334519073e-3f));
  y = add(mul(y, x), splat(4.1665795894e-2f));
  y = add(mul(y, x), splat(1.6666665459e-1f));
  y = add(mul(y, x), splat(5.0000001201e-1f));
  y = add(add(mul(y, z), x), splat(1.0f));
  return mul(y, wasm_i32x4_shl(wasm_i32x4_add(n, wasm_i32x4_splat(127)), 23));
}

/* ---------------------------------------------------------------------------------------- */
/* Multi-head attention. qkv: [B, N, 3, H, dh] (the rows of the qkv projection), out and dout:
 * [B, N, H, dh], probs: [B, H, N, N]. scratch: dh·Np + max(2, N)·Np floats, Np = N rounded up to 4. */

/* dst[d·Np + j] = rows[j·stride + d] for j < N, zero for N <= j < Np. */
static void gather_transposed(float *dst, const float *rows, int stride, int N, int Np, int dh) {
  for (int j = 0; j < N; j++)
    for (int d = 0; d < dh; d++) dst[d * Np + j] = rows[j * stride + d];
  for (int j = N; j < Np; j++)
    for (int d = 0; d < dh; d++) dst[d * Np + j] = 0.0f;
}

/* s[j] = alpha · (a · column j of bt) for j < Np; bt is [dh, Np]. */
static void row_times_t(float *s, const float *a, const float *bt, int Np, int dh, float alpha) {
  int j = 0;
  for (; j + 16 <= Np; j += 16) {
    f4 c0 = splat(0), c1 = splat(0), c2 = splat(0), c3 = splat(0);
    for (int d = 0; d < dh; d++) {
      f4 ad = splat(a[d]);
      const float *r = bt + d * Np + j;
      c0 = add(c0, mul(ad, ld(r)));
      c1 = add(c1, mul(ad, ld(r + 4)));
      c2 = add(c2, mul(ad, ld(r + 8)));
      c3 = add(c3, mul(ad, ld(r + 12)));
    }
    f4 al = splat(alpha);
    st(s + j, mul(c0, al));
    st(s + j + 4, mul(c1, al));
    st(s + j + 8, mul(c2, al));
    st(s + j + 12, mul(c3, al));
  }
  for (; j < Np; j += 4) {
    f4 c0 = splat(0);
    for (int d = 0; d < dh; d++) c0 = add(c0, mul(splat(a[d]), ld(bt + d * Np + j)));
    st(s + j, mul(c0, splat(alpha)));
  }
}

/* o[0..dh) = Σ_j w[j·wstride] · rows[j·stride + 0..dh), j < n; o may be strided memory. */
static void weighted_rows(float *o, const float *w, int wstride, const float *rows, int stride, int n, int dh) {
  int c = 0;
  for (; c + 16 <= dh; c += 16) {
    f4 a0 = splat(0), a1 = splat(0), a2 = splat(0), a3 = splat(0);
    for (int j = 0; j < n; j++) {
      f4 wj = splat(w[j * wstride]);
      const float *r = rows + j * stride + c;
      a0 = add(a0, mul(wj, ld(r)));
      a1 = add(a1, mul(wj, ld(r + 4)));
      a2 = add(a2, mul(wj, ld(r + 8)));
      a3 = add(a3, mul(wj, ld(r + 12)));
    }
    st(o + c, a0);
    st(o + c + 4, a1);
    st(o + c + 8, a2);
    st(o + c + 12, a3);
  }
  for (; c < dh; c += 4) {
    f4 a0 = splat(0);
    for (int j = 0; j < n; j++) a0 = add(a0, mul(splat(w[j * wstride]), ld(rows + j * stride + c)));
    st(o + c, a0);
  }
}

/* Two-row versions: each load of bt / rows feeds both rows (fewer loads per multiply-add). */
static void row_times_t2(float *s0, float *s1, const float *a0, const float *a1, const float *bt, int Np, int dh, float alpha) {
  int j = 0;
  for (; j + 16 <= Np; j += 16) {
    f4 c0 = splat(0), c1 = splat(0), c2 = splat(0), c3 = splat(0);
    f4 e0 = splat(0), e1 = splat(0), e2 = splat(0), e3 = splat(0);
    for (int d = 0; d < dh; d++) {
      f4 x = splat(a0[d]), y = splat(a1[d]);
      const float *r = bt + d * Np + j;
      f4 r0 = ld(r), r1 = ld(r + 4), r2 = ld(r + 8), r3 = ld(r + 12);
      c0 = add(c0, mul(x, r0));
      c1 = add(c1, mul(x, r1));
      c2 = add(c2, mul(x, r2));
      c3 = add(c3, mul(x, r3));
      e0 = add(e0, mul(y, r0));
      e1 = add(e1, mul(y, r1));
      e2 = add(e2, mul(y, r2));
      e3 = add(e3, mul(y, r3));
    }
    f4 al = splat(alpha);
    st(s0 + j, mul(c0, al));
    st(s0 + j + 4, mul(c1, al));
    st(s0 + j + 8, mul(c2, al));
    st(s0 + j + 12, mul(c3, al));
    st(s1 + j, mul(e0, al));
    st(s1 + j + 4, mul(e1, al));
    st(s1 + j + 8, mul(e2, al));
    st(s1 + j + 12, mul(e3, al));
  }
  for (; j < Np; j += 4) {
    f4 c0 = splat(0), e0 = splat(0);
    for (int d = 0; d < dh; d++) {
      f4 r0 = ld(bt + d * Np + j);
      c0 = add(c0, mul(splat(a0[d]), r0));
      e0 = add(e0, mul(splat(a1[d]), r0));
    }
    st(s0 + j, mul(c0, splat(alpha)));
    st(s1 + j, mul(e0, splat(alpha)));
  }
}

static void weighted_rows2(float *o0, float *o1, const float *w0, const float *w1, int wstride, const float *rows, int stride,
                           int n, int dh) {
  int c = 0;
  for (; c + 16 <= dh; c += 16) {
    f4 a0 = splat(0), a1 = splat(0), a2 = splat(0), a3 = splat(0);
    f4 b0 = splat(0), b1 = splat(0), b2 = splat(0), b3 = splat(0);
    for (int j = 0; j < n; j++) {
      f4 x = splat(w0[j * wstride]), y = splat(w1[j * wstride]);
      const float *r = rows + j * stride + c;
      f4 r0 = ld(r), r1 = ld(r + 4), r2 = ld(r + 8), r3 = ld(r + 12);
      a0 = add(a0, mul(x, r0));
      a1 = add(a1, mul(x, r1));
      a2 = add(a2, mul(x, r2));
      a3 = add(a3, mul(x, r3));
      b0 = add(b0, mul(y, r0));
      b1 = add(b1, mul(y, r1));
      b2 = add(b2, mul(y, r2));
      b3 = add(b3, mul(y, r3));
    }
    st(o0 + c, a0);
    st(o0 + c + 4, a1);
    st(o0 + c + 8, a2);
    st(o0 + c + 12, a3);
    st(o1 + c, b0);
    st(o1 + c + 4, b1);
    st(o1 + c + 8, b2);
    st(o1 + c + 12, b3);
  }
  if (c < dh) {
    weighted_rows(o0 + c, w0, wstride, rows + c, stride, n, dh - c);
    weighted_rows(o1 + c, w1, wstride, rows + c, stride, n, dh - c);
  }
}

/* Softmax of one score row in place (length N; exp of score − max, then normalised). */
static void softmax_row(float *srow, float *p, int N) {
  float m = srow[0];
  for (int j = 1; j < N; j++) m = srow[j] > m ? srow[j] : m;
  f4 mv = splat(m), sum = splat(0);
  int j = 0;
  for (; j + 4 <= N; j += 4) {
    f4 e = v_exp(sub(ld(srow + j), mv));
    st(srow + j, e);
    sum = add(sum, e);
  }
  float total = hsum(sum);
  for (; j < N; j++) {
    srow[j] = wasm_f32x4_extract_lane(v_exp(splat(srow[j] - m)), 0);
    total += srow[j];
  }
  float inv = 1.0f / total;
  for (j = 0; j < N; j++) p[j] = srow[j] * inv;
}

EXPORT(attention_forward)
void attention_forward(const float *qkv, float *out, float *probs, float *scratch, int B, int N, int H, int dh,
                       float scale) {
  const int D = H * dh, row = 3 * D, Np = (N + 3) & ~3;
  float *kt = scratch, *s0 = scratch + dh * Np, *s1 = s0 + Np;
  for (int b = 0; b < B; b++) {
    const float *base = qkv + b * N * row;
    for (int h = 0; h < H; h++) {
      const float *q = base + h * dh, *k = base + D + h * dh, *v = base + 2 * D + h * dh;
      float *P = probs + (b * H + h) * N * N;
      float *o = out + b * N * D + h * dh;
      gather_transposed(kt, k, row, N, Np, dh);
      int i = 0;
      for (; i + 2 <= N; i += 2) {
        row_times_t2(s0, s1, q + i * row, q + (i + 1) * row, kt, Np, dh, scale);
        softmax_row(s0, P + i * N, N);
        softmax_row(s1, P + (i + 1) * N, N);
        weighted_rows2(o + i * D, o + (i + 1) * D, P + i * N, P + (i + 1) * N, 1, v, row, N, dh);
      }
      if (i < N) {
        row_times_t(s0, q + i * row, kt, Np, dh, scale);
        softmax_row(s0, P + i * N, N);
        weighted_rows(o + i * D, P + i * N, 1, v, row, N, dh);
      }
    }
  }
}

EXPORT(attention_backward)
void attention_backward(const float *qkv, const float *probs, const float *dout, float *dqkv, float *scratch,
                        int B, int N, int H, int dh, float scale) {
  const int D = H * dh, row = 3 * D, Np = (N + 3) & ~3;
  float *vt = scratch, *ds = scratch + dh * Np; /* ds: [N, Np], pre-scaled by `scale` */
  for (int b = 0; b < B; b++) {
    const float *base = qkv + b * N * row;
    float *dbase = dqkv + b * N * row;
    for (int h = 0; h < H; h++) {
      const float *q = base + h * dh, *k = base + D + h * dh, *v = base + 2 * D + h * dh;
      const float *P = probs + (b * H + h) * N * N;
      const float *dO = dout + b * N * D + h * dh;
      float *dq = dbase + h * dh, *dk = dbase + D + h * dh, *dv = dbase + 2 * D + h * dh;
      gather_transposed(vt, v, row, N, Np, dh);
      int i = 0;
      for (; i + 2 <= N; i += 2) row_times_t2(ds + i * Np, ds + (i + 1) * Np, dO + i * D, dO + (i + 1) * D, vt, Np, dh, 1.0f);
      if (i < N) row_times_t(ds + i * Np, dO + i * D, vt, Np, dh, 1.0f); /* dP_ij = dO_i · v_j */
      for (i = 0; i < N; i++) { /* softmax backward: dS_ij = P_ij (dP_ij − Σ_j P_ij dP_ij) */
        float *dsi = ds + i * Np;
        const float *pi = P + i * N;
        float dot = 0.0f;
        for (int j = 0; j < N; j++) dot += pi[j] * dsi[j];
        for (int j = 0; j < N; j++) dsi[j] = pi[j] * (dsi[j] - dot) * scale;
      }
      for (i = 0; i + 2 <= N; i += 2) /* dQ_i = Σ_j dS_ij k_j */
        weighted_rows2(dq + i * row, dq + (i + 1) * row, ds + i * Np, ds + (i + 1) * Np, 1, k, row, N, dh);
      if (i < N) weighted_rows(dq + i * row, ds + i * Np, 1, k, row, N, dh);
      int j = 0;
      for (; j + 2 <= N; j += 2) { /* dK_j = Σ_i dS_ij q_i ; dV_j = Σ_i P_ij dO_i */
        weighted_rows2(dk + j * row, dk + (j + 1) * row, ds + j, ds + j + 1, Np, q, row, N, dh);
        weighted_rows2(dv + j * row, dv + (j + 1) * row, P + j, P + j + 1, N, dO, D, N, dh);
      }
      if (j < N) {
        weighted_rows(dk + j * row, ds + j, Np, q, row, N, dh);
        weighted_rows(dv + j * row, P + j, N, dO, D, N, dh);
      }
    }
  }
}

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
