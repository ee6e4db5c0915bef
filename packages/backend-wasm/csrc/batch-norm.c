// Training-mode BatchNorm for tfjs-backend-wasm, in WebAssembly SIMD: per-channel sums over the
// rows of a channels-last tensor [rows, C], and the per-channel affine maps that apply them.
// Built with filter-grad.c by ../scripts/build-simd-kernels.sh. Each call handles rows
// [r0, r1), so threads can split the rows; sums go to that thread's own float64 slots.
//
// Precision: lanes accumulate at most BLOCK rows in float32, then add into float64 totals, so the
// error does not grow with the row count (131072 rows per channel in ResNet-20's first stage).
// Loop order: a block of rows (≤ BLOCK·C floats, L1/L2-resident) is visited once per 4 channels.
#include "simd.h"

#define BLOCK 64

static inline void add_lanes(double *dst, v128_t v) {
  dst[0] += wasm_f32x4_extract_lane(v, 0);
  dst[1] += wasm_f32x4_extract_lane(v, 1);
  dst[2] += wasm_f32x4_extract_lane(v, 2);
  dst[3] += wasm_f32x4_extract_lane(v, 3);
}

// out[c] += Σ (x − shift[c]), out[C + c] += Σ (x − shift[c])² over rows [r0, r1).
// (Shifted sums: with shift near the mean, the variance has no cancellation problem.)
__attribute__((export_name("bn_moments"))) void bn_moments(const float *x, int C, int r0, int r1,
                                                           const float *shift, double *out) {
  const int cv = C - C % 4;
  for (int b = r0; b < r1; b += BLOCK) {
    const int e = b + BLOCK < r1 ? b + BLOCK : r1;
    for (int c = 0; c < cv; c += 4) {
      const v128_t k = wasm_v128_load(shift + c);
      v128_t s1 = wasm_f32x4_splat(0), s2 = wasm_f32x4_splat(0);
      for (int r = b; r < e; r++) {
        const v128_t d = wasm_f32x4_sub(wasm_v128_load(x + (long)r * C + c), k);
        s1 = wasm_f32x4_add(s1, d);
        s2 = MADD(s2, d, d);
      }
      add_lanes(out + c, s1);
      add_lanes(out + C + c, s2);
    }
  }
  for (int c = cv; c < C; c++) {
    for (int r = r0; r < r1; r++) {
      const float d = x[(long)r * C + c] - shift[c];
      out[c] += d;
      out[C + c] += (double)d * d;
    }
  }
}

// out[c] += Σ dy, out[C + c] += Σ dy·(x − mean[c])·invstd[c] over rows [r0, r1).
__attribute__((export_name("bn_grad_sums"))) void bn_grad_sums(const float *dy, const float *x, int C,
                                                               int r0, int r1, const float *mean,
                                                               const float *invstd, double *out) {
  const int cv = C - C % 4;
  for (int b = r0; b < r1; b += BLOCK) {
    const int e = b + BLOCK < r1 ? b + BLOCK : r1;
    for (int c = 0; c < cv; c += 4) {
      const v128_t m = wasm_v128_load(mean + c), is = wasm_v128_load(invstd + c);
      v128_t s1 = wasm_f32x4_splat(0), s2 = wasm_f32x4_splat(0);
      for (int r = b; r < e; r++) {
        const v128_t g = wasm_v128_load(dy + (long)r * C + c);
        const v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + (long)r * C + c), m), is);
        s1 = wasm_f32x4_add(s1, g);
        s2 = MADD(s2, g, xh);
      }
      add_lanes(out + c, s1);
      add_lanes(out + C + c, s2);
    }
  }
  for (int c = cv; c < C; c++) {
    for (int r = r0; r < r1; r++) {
      const float g = dy[(long)r * C + c];
      out[c] += g;
      out[C + c] += (double)g * ((x[(long)r * C + c] - mean[c]) * invstd[c]);
    }
  }
}

// y = x·a[c] + b[c] over rows [r0, r1) (the forward normalisation, folded per channel).
__attribute__((export_name("channel_affine"))) void channel_affine(const float *x, float *y, int C, int r0,
                                                                   int r1, const float *a, const float *b) {
  const int cv = C - C % 4;
  for (int r = r0; r < r1; r++) {
    const float *xr = x + (long)r * C;
    float *yr = y + (long)r * C;
    for (int c = 0; c < cv; c += 4)
      wasm_v128_store(yr + c, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(xr + c), wasm_v128_load(a + c)),
                                             wasm_v128_load(b + c)));
    for (int c = cv; c < C; c++) yr[c] = xr[c] * a[c] + b[c];
  }
}

// dx = dy·a[c] + x·b[c] + d[c] over rows [r0, r1) (the input gradient, folded per channel).
__attribute__((export_name("channel_affine2"))) void channel_affine2(const float *dy, const float *x, float *dx,
                                                                     int C, int r0, int r1, const float *a,
                                                                     const float *b, const float *d) {
  const int cv = C - C % 4;
  for (int r = r0; r < r1; r++) {
    const float *gr = dy + (long)r * C, *xr = x + (long)r * C;
    float *o = dx + (long)r * C;
    for (int c = 0; c < cv; c += 4) {
      const v128_t t = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(gr + c), wasm_v128_load(a + c)),
                                      wasm_f32x4_mul(wasm_v128_load(xr + c), wasm_v128_load(b + c)));
      wasm_v128_store(o + c, wasm_f32x4_add(t, wasm_v128_load(d + c)));
    }
    for (int c = cv; c < C; c++) o[c] = gr[c] * a[c] + xr[c] * b[c] + d[c];
  }
}
