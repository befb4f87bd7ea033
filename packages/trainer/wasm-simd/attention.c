/* Fused multi-head attention, forward and backward (see simd.h for the helpers). */
#include "simd.h"

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
