// 3×3 stride-1 convolution by Winograd's F(2×2, 3×3) for tfjs-backend-wasm, in WebAssembly SIMD:
// 16 multiplications per 2×2 output tile and channel pair instead of 36 (2.25× fewer), the rest
// additions. Built by ../scripts/build-simd-kernels.sh. (Lavin & Gray 2016, "Fast Algorithms for
// Convolutional Neural Networks".)
//
// y = conv(x, w), NHWC x [N, H, W, Ci], HWIO w [3, 3, Ci, Co], stride 1, zero padding top/left
// (any bottom/right: outputs past OH/OW are not written). Needs Ci % 4 == 0 and Co % 8 == 0.
//
// winograd_filter: U[ξ][ci][co] = (G g Gᵀ)[ξ] for each (ci, co), ξ = 4·row + col of the 4×4 tile.
// winograd_conv: output tiles [t0, t1) of the N·TY·TX tiles (TY = ⌈OH/2⌉, TX = ⌈OW/2⌉), in blocks
// of up to `block` tiles that stay in cache: input transform V = Bᵀ d B (4 channels per vector) into
// scratch, 16 small matrix products M[ξ] = V[ξ] · U[ξ] (register tile 4 tiles × 8 channels), output
// transform Aᵀ m A (+ `bias`, Co values, unless null). `scratch` holds 16·block·(Ci + Co) floats
// for the calling thread.
#include <wasm_simd128.h>

#include "winograd.h"

// U for input channels [ci0, ci1), 4 output channels at a time (Co % 4 == 0). `flipped`: the
// filter of the input gradient instead — w is the forward filter [3, 3, Co, Ci] (Co here = the
// forward input channels) used flipped in space and transposed, g[i][j] = w[2 − i][2 − j][co][ci],
// so no flipped copy is ever made (its loads are strided: fine, the filter is small next to the data).
__attribute__((export_name("winograd_filter"))) void winograd_filter(const float *w, float *u, int Ci, int Co,
                                                                     int ci0, int ci1, int flipped) {
  const long plane = (long)Ci * Co;
  const v128_t half = wasm_f32x4_splat(0.5f);
  for (int ci = ci0; ci < ci1; ci++) {
    for (int co = 0; co < Co; co += 4) {
      v128_t g[3][3], t[4][3];
      UNROLL for (int i = 0; i < 3; i++)
        UNROLL for (int j = 0; j < 3; j++) {
          if (flipped) {
            const float *p = w + ((long)((2 - i) * 3 + (2 - j)) * Co + co) * Ci + ci;
            g[i][j] = wasm_f32x4_make(p[0], p[Ci], p[2 * Ci], p[3 * Ci]);
          } else {
            g[i][j] = wasm_v128_load(w + ((long)(i * 3 + j) * Ci + ci) * Co + co);
          }
        }
      UNROLL for (int j = 0; j < 3; j++) {  // t = G g; G's rows (1, 0, 0), (½, ½, ½), (½, −½, ½), (0, 0, 1)
        const v128_t ac = wasm_f32x4_add(g[0][j], g[2][j]);
        t[0][j] = g[0][j];
        t[1][j] = wasm_f32x4_mul(half, wasm_f32x4_add(ac, g[1][j]));
        t[2][j] = wasm_f32x4_mul(half, wasm_f32x4_sub(ac, g[1][j]));
        t[3][j] = g[2][j];
      }
      UNROLL for (int i = 0; i < 4; i++) {  // U = t Gᵀ
        float *ui = u + (long)(4 * i) * plane + (long)ci * Co + co;
        const v128_t ac = wasm_f32x4_add(t[i][0], t[i][2]);
        wasm_v128_store(ui, t[i][0]);
        wasm_v128_store(ui + plane, wasm_f32x4_mul(half, wasm_f32x4_add(ac, t[i][1])));
        wasm_v128_store(ui + 2 * plane, wasm_f32x4_mul(half, wasm_f32x4_sub(ac, t[i][1])));
        wasm_v128_store(ui + 3 * plane, t[i][2]);
      }
    }
  }
}

// V[ξ][b][ci − ci0..] for tile index `tile` (block row b), input channels [ci0, ci1).
INLINE void input_transform(const float *x, float *v, const Geometry *g, int tile, int b, int nb, int ci0,
                                   int ci1) {
  const int n = tile / (g->TY * g->TX), rest = tile % (g->TY * g->TX);
  const int iy0 = 2 * (rest / g->TX) - g->top, ix0 = 2 * (rest % g->TX) - g->left;
  const float *ximg = x + (long)n * g->H * g->W * g->Ci;
  const int inside = iy0 >= 0 && iy0 + 4 <= g->H && ix0 >= 0 && ix0 + 4 <= g->W;
  const int cw = ci1 - ci0;
  const long vstride = (long)nb * cw;  // between ξ planes
  for (int ci = ci0; ci < ci1; ci += 4) {
    v128_t d[4][4];
    UNROLL for (int i = 0; i < 4; i++)
      UNROLL for (int j = 0; j < 4; j++) {
        const int iy = iy0 + i, ix = ix0 + j;
        d[i][j] = inside || (iy >= 0 && iy < g->H && ix >= 0 && ix < g->W)
                      ? wasm_v128_load(ximg + ((long)iy * g->W + ix) * g->Ci + ci)
                      : wasm_f32x4_splat(0);
      }
    v128_t t[4][4];
    UNROLL for (int j = 0; j < 4; j++) {  // t = Bᵀ d
      t[0][j] = wasm_f32x4_sub(d[0][j], d[2][j]);
      t[1][j] = wasm_f32x4_add(d[1][j], d[2][j]);
      t[2][j] = wasm_f32x4_sub(d[2][j], d[1][j]);
      t[3][j] = wasm_f32x4_sub(d[1][j], d[3][j]);
    }
    float *vp = v + (long)b * cw + (ci - ci0);
    UNROLL for (int i = 0; i < 4; i++) {  // V = t B
      wasm_v128_store(vp + (4 * i + 0) * vstride, wasm_f32x4_sub(t[i][0], t[i][2]));
      wasm_v128_store(vp + (4 * i + 1) * vstride, wasm_f32x4_add(t[i][1], t[i][2]));
      wasm_v128_store(vp + (4 * i + 2) * vstride, wasm_f32x4_sub(t[i][2], t[i][1]));
      wasm_v128_store(vp + (4 * i + 3) * vstride, wasm_f32x4_sub(t[i][1], t[i][3]));
    }
  }
}

// y for tile index `tile` from M[ξ][b][co..co+3].
INLINE void output_transform(const float *m, float *y, const Geometry *g, int tile, int b, int nb,
                                    const float *bias) {
  const int n = tile / (g->TY * g->TX), rest = tile % (g->TY * g->TX);
  const int oy0 = 2 * (rest / g->TX), ox0 = 2 * (rest % g->TX);
  float *yimg = y + (long)n * g->OH * g->OW * g->Co;
  const long mstride = (long)nb * g->Co;
  for (int co = 0; co < g->Co; co += 4) {
    const float *mp = m + (long)b * g->Co + co;
    const v128_t bv = bias ? wasm_v128_load(bias + co) : wasm_f32x4_splat(0);
    v128_t s[2][4];
    UNROLL for (int j = 0; j < 4; j++) {  // s = Aᵀ m
      const v128_t m0 = wasm_v128_load(mp + (0 + j) * mstride), m1 = wasm_v128_load(mp + (4 + j) * mstride);
      const v128_t m2 = wasm_v128_load(mp + (8 + j) * mstride), m3 = wasm_v128_load(mp + (12 + j) * mstride);
      s[0][j] = wasm_f32x4_add(wasm_f32x4_add(m0, m1), m2);
      s[1][j] = wasm_f32x4_sub(wasm_f32x4_sub(m1, m2), m3);
    }
    UNROLL for (int i = 0; i < 2; i++) {  // Y = s A
      const int oy = oy0 + i;
      if (oy >= g->OH) continue;
      float *yrow = yimg + (long)oy * g->OW * g->Co + co;
      wasm_v128_store(yrow + (long)ox0 * g->Co, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s[i][0], s[i][1]), s[i][2]), bv));
      if (ox0 + 1 < g->OW)
        wasm_v128_store(yrow + (long)(ox0 + 1) * g->Co,
                        wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_sub(s[i][1], s[i][2]), s[i][3]), bv));
    }
  }
}

// D[ξ][b][co..co+3] = (A d Aᵀ)[ξ] for the 2×2 dy tile of tile index `tile`.
INLINE void dy_transform(const float *dy, float *dt, const Geometry *g, int tile, int b, int nb) {
  const int n = tile / (g->TY * g->TX), rest = tile % (g->TY * g->TX);
  const int oy0 = 2 * (rest / g->TX), ox0 = 2 * (rest % g->TX);
  const float *dyimg = dy + (long)n * g->OH * g->OW * g->Co;
  const int has_y1 = oy0 + 1 < g->OH, has_x1 = ox0 + 1 < g->OW;
  const long dstride = (long)nb * g->Co;
  const float *p00 = dyimg + ((long)oy0 * g->OW + ox0) * g->Co;
  for (int co = 0; co < g->Co; co += 4) {
    const v128_t zero = wasm_f32x4_splat(0);
    const v128_t d00 = wasm_v128_load(p00 + co);
    const v128_t d01 = has_x1 ? wasm_v128_load(p00 + g->Co + co) : zero;
    const v128_t d10 = has_y1 ? wasm_v128_load(p00 + (long)g->OW * g->Co + co) : zero;
    const v128_t d11 = has_y1 && has_x1 ? wasm_v128_load(p00 + (long)(g->OW + 1) * g->Co + co) : zero;
    // r = A d (rows: d0, d0 + d1, d0 − d1, −d1), then the same across columns.
    v128_t r[4][2];
    r[0][0] = d00, r[0][1] = d01;
    r[1][0] = wasm_f32x4_add(d00, d10), r[1][1] = wasm_f32x4_add(d01, d11);
    r[2][0] = wasm_f32x4_sub(d00, d10), r[2][1] = wasm_f32x4_sub(d01, d11);
    r[3][0] = wasm_f32x4_neg(d10), r[3][1] = wasm_f32x4_neg(d11);
    float *dp = dt + (long)b * g->Co + co;
    UNROLL for (int i = 0; i < 4; i++) {
      wasm_v128_store(dp + (4 * i + 0) * dstride, r[i][0]);
      wasm_v128_store(dp + (4 * i + 1) * dstride, wasm_f32x4_add(r[i][0], r[i][1]));
      wasm_v128_store(dp + (4 * i + 2) * dstride, wasm_f32x4_sub(r[i][0], r[i][1]));
      wasm_v128_store(dp + (4 * i + 3) * dstride, wasm_f32x4_neg(r[i][1]));
    }
  }
}

#define POINTS 16
#include "winograd-tiles.h"

__attribute__((export_name("winograd_conv"))) void winograd_conv(const float *x, const float *u, float *y,
                                                                 int t0, int t1, int H, int W, int Ci, int OH,
                                                                 int OW, int Co, int top, int left, float *scratch,
                                                                 const float *bias, int block) {
  const Geometry g = {H, W, Ci, OH, OW, Co, top, left, (OH + 1) / 2, (OW + 1) / 2};
  conv_tiles(x, u, y, t0, t1, &g, scratch, bias, block);
}

// ---- Filter gradient (Conv2DBackpropFilter of the same convolutions) ----
//
// The forward tile is y = Aᵀ[U ⊙ V]A with U = G g Gᵀ, so dL/dU = (A dy Aᵀ) ⊙ V per tile, and
// dw = Gᵀ (Σ_tiles dL/dU) G: per ξ, the sum over tiles is one matrix product
// M[ξ][ci][co] = Σ_t V[ξ][t][ci] · D[ξ][t][co] (D = A dy Aᵀ), with the tiles as its long inner
// dimension — 16 multiply-adds per tile and channel pair instead of 36.
// winograd_filter_grad: input channels [ci0, ci1) (multiples of 4) of dw [3, 3, Ci, Co], over all
// N·TY·TX tiles; threads take disjoint channel ranges, so each transforms x for its channels and
// all of dy (cheap: 2×2 values per tile). `m` holds 16·Ci·Co floats (shared, rows [ci0, ci1) are
// this thread's), `scratch` 16·block·(ci1 − ci0 + Co) floats for this thread.

__attribute__((export_name("winograd_filter_grad"))) void winograd_filter_grad(
    const float *x, const float *dy, float *dw, int ci0, int ci1, int N, int H, int W, int Ci, int OH, int OW,
    int Co, int top, int left, float *m, float *scratch, int block) {
  const Geometry g = {H, W, Ci, OH, OW, Co, top, left, (OH + 1) / 2, (OW + 1) / 2};
  filter_grad_tiles(x, dy, ci0, ci1, N, &g, m, scratch, block);
  const long plane = (long)Ci * Co;
  // dw = Gᵀ M G; G's rows (1, 0, 0), (½, ½, ½), (½, −½, ½), (0, 0, 1).
  const v128_t half = wasm_f32x4_splat(0.5f);
  for (int ci = ci0; ci < ci1; ci++)
    for (int co = 0; co < Co; co += 4) {
      const float *mp = m + (long)ci * Co + co;
      v128_t t[3][4];
      UNROLL for (int j = 0; j < 4; j++) {  // t = Gᵀ M
        const v128_t m0 = wasm_v128_load(mp + (0 + j) * plane), m1 = wasm_v128_load(mp + (4 + j) * plane);
        const v128_t m2 = wasm_v128_load(mp + (8 + j) * plane), m3 = wasm_v128_load(mp + (12 + j) * plane);
        const v128_t s = wasm_f32x4_mul(half, wasm_f32x4_add(m1, m2));
        t[0][j] = wasm_f32x4_add(m0, s);
        t[1][j] = wasm_f32x4_mul(half, wasm_f32x4_sub(m1, m2));
        t[2][j] = wasm_f32x4_add(s, m3);
      }
      float *wp = dw + (long)ci * Co + co;
      UNROLL for (int i = 0; i < 3; i++) {  // dw = t G
        const v128_t s = wasm_f32x4_mul(half, wasm_f32x4_add(t[i][1], t[i][2]));
        wasm_v128_store(wp + (long)(3 * i + 0) * plane, wasm_f32x4_add(t[i][0], s));
        wasm_v128_store(wp + (long)(3 * i + 1) * plane, wasm_f32x4_mul(half, wasm_f32x4_sub(t[i][1], t[i][2])));
        wasm_v128_store(wp + (long)(3 * i + 2) * plane, wasm_f32x4_add(s, t[i][3]));
      }
    }
}
