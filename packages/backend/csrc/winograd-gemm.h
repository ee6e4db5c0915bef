// The matrix products of the Winograd convolutions (winograd.c, winograd4.c), for one transform
// point ξ: forward M = V · U (V [tiles, Ci], U [Ci, Co]); filter gradient M += Vᵀ · D (V [tiles, Ci],
// D [tiles, Co]).
#pragma once
#include "simd.h"

// Fixed-size loops over transform values must unroll, or their arrays land on the shadow stack
// (which this module must not use: see ../scripts/build-simd-kernels.sh).
#define UNROLL _Pragma("clang loop unroll(full)")
// Likewise helpers with such arrays must be inlined into their (unrolled) callers.
#define INLINE static inline __attribute__((always_inline))

// M[ξ][b0..b0+R) = V[ξ][b0..b0+R) · U[ξ], R = 4 or 1 rows, 8 output channels at co.
#define GEMM(R)                                                                                    \
  INLINE void gemm_##R(const float *v, const float *u, float *m, int Ci, int Co, int co) { \
    v128_t acc[R][2];                                                                              \
    for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = wasm_f32x4_splat(0);                       \
    const float *up = u + co;                                                                      \
    for (int ci = 0; ci < Ci; ci++, up += Co) {                                                    \
      const v128_t u0 = wasm_v128_load(up), u1 = wasm_v128_load(up + 4);                           \
      for (int r = 0; r < R; r++) {                                                                \
        const v128_t s = wasm_v128_load32_splat(v + (long)r * Ci + ci);                            \
        acc[r][0] = MADD(acc[r][0], s, u0);                              \
        acc[r][1] = MADD(acc[r][1], s, u1);                              \
      }                                                                                            \
    }                                                                                              \
    for (int r = 0; r < R; r++) {                                                                  \
      wasm_v128_store(m + (long)r * Co + co, acc[r][0]);                                           \
      wasm_v128_store(m + (long)r * Co + co + 4, acc[r][1]);                                       \
    }                                                                                              \
  }
GEMM(4)
GEMM(1)

// m[ci..ci+3][co..co+7] (+)= Σ_b v[b][ci..ci+3] · d[b][co..co+7].
INLINE void gemm_tn(const float *v, const float *d, float *m, int nb, int cw, int Co, int co, int first) {
  v128_t acc[4][2];
  UNROLL for (int r = 0; r < 4; r++) {
    acc[r][0] = first ? wasm_f32x4_splat(0) : wasm_v128_load(m + (long)r * Co + co);
    acc[r][1] = first ? wasm_f32x4_splat(0) : wasm_v128_load(m + (long)r * Co + co + 4);
  }
  for (int b = 0; b < nb; b++, v += cw, d += Co) {
    const v128_t d0 = wasm_v128_load(d + co), d1 = wasm_v128_load(d + co + 4);
    UNROLL for (int r = 0; r < 4; r++) {
      const v128_t s = wasm_v128_load32_splat(v + r);
      acc[r][0] = MADD(acc[r][0], s, d0);
      acc[r][1] = MADD(acc[r][1], s, d1);
    }
  }
  UNROLL for (int r = 0; r < 4; r++) {
    wasm_v128_store(m + (long)r * Co + co, acc[r][0]);
    wasm_v128_store(m + (long)r * Co + co + 4, acc[r][1]);
  }
}
