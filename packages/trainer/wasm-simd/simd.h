/*
 * Shared helpers of the SIMD kernels (wasm simd128, 4 × f32 lanes). See README.md in this
 * folder for the module's memory contract.
 */
#ifndef STRATUM_SIMD_H
#define STRATUM_SIMD_H
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

#endif
