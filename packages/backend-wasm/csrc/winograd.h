// What Winograd's F(2×2, 3×3) (winograd.c) and F(4×4, 3×3) (winograd4.c) share: the problem's
// geometry and the matrix products for one transform point ξ — forward M = V · U (V [tiles, Ci],
// U [Ci, Co]), filter gradient M += Vᵀ · D (V [tiles, Ci], D [tiles, Co]). The tile loops that
// call them are in winograd-tiles.h.
#pragma once
#include "simd.h"

// A stride-1 3×3 convolution: x [N, H, W, Ci] → y [N, OH, OW, Co], zero padding top/left; TY × TX
// output tiles per image.
typedef struct {
  int H, W, Ci, OH, OW, Co, top, left, TY, TX;
} Geometry;

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
