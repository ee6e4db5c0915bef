// 3×3 stride-1 convolution by Winograd's F(4×4, 3×3) for tfjs-backend-wasm, in WebAssembly SIMD:
// 36 multiplications per 4×4 output tile and channel pair instead of 144 (4× fewer; F(2×2, 3×3)
// in winograd.c saves 2.25×), at the price of larger transforms and rounding error (the points
// 0, ±1, ±2, ∞; relative error ≈ 1e-5…1e-4 in float32, as in cuDNN and NNPACK). Built by
// ../scripts/build-simd-kernels.sh. (Lavin & Gray 2016.)
//
// Same contract as winograd.c's winograd_filter / winograd_conv, with 6×6 input tiles:
// winograd4_filter: U[ξ][ci][co] = (G g Gᵀ)[ξ], ξ = 6·row + col, for ci in [ci0, ci1).
// winograd4_conv: output tiles [t0, t1) of the N·TY·TX tiles (TY = ⌈OH/4⌉, TX = ⌈OW/4⌉), in
// blocks of `block` tiles; `scratch` holds 36·block·(Ci + Co) floats for the calling thread.
// winograd4_filter_grad: as winograd.c's winograd_filter_grad with 6×6 tiles (`m` 36·Ci·Co floats,
// `scratch` 36·block·(ci1 − ci0 + Co)).
#include <wasm_simd128.h>

#include "winograd.h"

// G applied to 3 values (rows of G: (¼, 0, 0), (−⅙, −⅙, −⅙), (−⅙, ⅙, −⅙), (1/24, 1/12, ⅙),
// (1/24, −1/12, ⅙), (0, 0, 1)).
#define G_(a, b, c, o)                                                                         \
  do {                                                                                         \
    const v128_t ac = wasm_f32x4_add(a, c);                                                    \
    const v128_t p = wasm_f32x4_add(wasm_f32x4_mul(a, wasm_f32x4_splat(1.0f / 24)), wasm_f32x4_mul(c, wasm_f32x4_splat(1.0f / 6))); \
    const v128_t q = wasm_f32x4_mul(b, wasm_f32x4_splat(1.0f / 12));                           \
    o[0] = wasm_f32x4_mul(a, wasm_f32x4_splat(0.25f));                                         \
    o[1] = wasm_f32x4_mul(wasm_f32x4_add(ac, b), wasm_f32x4_splat(-1.0f / 6));                 \
    o[2] = wasm_f32x4_mul(wasm_f32x4_sub(ac, b), wasm_f32x4_splat(-1.0f / 6));                 \
    o[3] = wasm_f32x4_add(p, q);                                                               \
    o[4] = wasm_f32x4_sub(p, q);                                                               \
    o[5] = c;                                                                                  \
  } while (0)

// 4 output channels at a time (Co % 4 == 0). `flipped`: see winograd.c's winograd_filter.
__attribute__((export_name("winograd4_filter"))) void winograd4_filter(const float *w, float *u, int Ci, int Co,
                                                                       int ci0, int ci1, int flipped) {
  const long plane = (long)Ci * Co;
  for (int ci = ci0; ci < ci1; ci++) {
    for (int co = 0; co < Co; co += 4) {
      v128_t g[3][3], t[6][3];
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
          if (flipped) {
            const float *p = w + ((long)((2 - i) * 3 + (2 - j)) * Co + co) * Ci + ci;
            g[i][j] = wasm_f32x4_make(p[0], p[Ci], p[2 * Ci], p[3 * Ci]);
          } else {
            g[i][j] = wasm_v128_load(w + ((long)(i * 3 + j) * Ci + ci) * Co + co);
          }
        }
      for (int j = 0; j < 3; j++) {  // t = G g
        v128_t o[6];
        G_(g[0][j], g[1][j], g[2][j], o);
        for (int i = 0; i < 6; i++) t[i][j] = o[i];
      }
      for (int i = 0; i < 6; i++) {  // U = t Gᵀ
        v128_t o[6];
        G_(t[i][0], t[i][1], t[i][2], o);
        float *ui = u + (long)(6 * i) * plane + (long)ci * Co + co;
        for (int j = 0; j < 6; j++) wasm_v128_store(ui + j * plane, o[j]);
      }
    }
  }
}

// Bᵀ applied to 6 values (rows of Bᵀ: (4, 0, −5, 0, 1, 0), (0, −4, −4, 1, 1, 0), (0, 4, −4, −1, 1, 0),
// (0, −2, −1, 2, 1, 0), (0, 2, −1, −2, 1, 0), (0, 4, 0, −5, 0, 1)).
#define B_T(d, r)                                                                        \
  do {                                                                                   \
    const v128_t four = wasm_f32x4_splat(4), five = wasm_f32x4_splat(5), two = wasm_f32x4_splat(2); \
    const v128_t s34 = wasm_f32x4_add(d[3], d[4]), s12 = wasm_f32x4_add(d[1], d[2]);     \
    const v128_t d43 = wasm_f32x4_sub(d[4], d[3]), d12 = wasm_f32x4_sub(d[1], d[2]);     \
    const v128_t d42 = wasm_f32x4_sub(d[4], d[2]), d31 = wasm_f32x4_mul(two, wasm_f32x4_sub(d[3], d[1])); \
    r[0] = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four, d[0]), wasm_f32x4_mul(five, d[2])), d[4]); \
    r[1] = wasm_f32x4_sub(s34, wasm_f32x4_mul(four, s12));                               \
    r[2] = wasm_f32x4_add(d43, wasm_f32x4_mul(four, d12));                               \
    r[3] = wasm_f32x4_add(d42, d31);                                                     \
    r[4] = wasm_f32x4_sub(d42, d31);                                                     \
    r[5] = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four, d[1]), wasm_f32x4_mul(five, d[3])), d[5]); \
  } while (0)

// V[ξ][b][ci − ci0..] for tile index `tile` (block row b), input channels [ci0, ci1).
INLINE void input_transform(const float *x, float *v, const Geometry *g, int tile, int b, int nb, int ci0, int ci1) {
  const int n = tile / (g->TY * g->TX), rest = tile % (g->TY * g->TX);
  const int iy0 = 4 * (rest / g->TX) - g->top, ix0 = 4 * (rest % g->TX) - g->left;
  const float *ximg = x + (long)n * g->H * g->W * g->Ci;
  const int inside = iy0 >= 0 && iy0 + 6 <= g->H && ix0 >= 0 && ix0 + 6 <= g->W;
  const int cw = ci1 - ci0;
  const long vstride = (long)nb * cw;  // between ξ planes
  for (int ci = ci0; ci < ci1; ci += 4) {
    v128_t t[6][6];
    UNROLL for (int j = 0; j < 6; j++) {  // t = Bᵀ d, one input column at a time
      v128_t d[6];
      const int ix = ix0 + j;
      UNROLL for (int i = 0; i < 6; i++) {
        const int iy = iy0 + i;
        d[i] = inside || (iy >= 0 && iy < g->H && ix >= 0 && ix < g->W)
                   ? wasm_v128_load(ximg + ((long)iy * g->W + ix) * g->Ci + ci)
                   : wasm_f32x4_splat(0);
      }
      v128_t r[6];
      B_T(d, r);
      UNROLL for (int i = 0; i < 6; i++) t[i][j] = r[i];
    }
    float *vp = v + (long)b * cw + (ci - ci0);
    UNROLL for (int i = 0; i < 6; i++) {  // V = t B
      v128_t r[6];
      B_T(t[i], r);
      UNROLL for (int j = 0; j < 6; j++) wasm_v128_store(vp + (6 * i + j) * vstride, r[j]);
    }
  }
}

// Aᵀ applied to 6 values (rows of Aᵀ: (1, 1, 1, 1, 1, 0), (0, 1, −1, 2, −2, 0), (0, 1, 1, 4, 4, 0),
// (0, 1, −1, 8, −8, 1)).
#define A_T(m, o)                                                                        \
  do {                                                                                   \
    const v128_t s12 = wasm_f32x4_add(m[1], m[2]), d12 = wasm_f32x4_sub(m[1], m[2]);     \
    const v128_t s34 = wasm_f32x4_add(m[3], m[4]), d34 = wasm_f32x4_sub(m[3], m[4]);     \
    o[0] = wasm_f32x4_add(wasm_f32x4_add(m[0], s12), s34);                               \
    o[1] = wasm_f32x4_add(d12, wasm_f32x4_mul(wasm_f32x4_splat(2), d34));                \
    o[2] = wasm_f32x4_add(s12, wasm_f32x4_mul(wasm_f32x4_splat(4), s34));                \
    o[3] = wasm_f32x4_add(wasm_f32x4_add(d12, wasm_f32x4_mul(wasm_f32x4_splat(8), d34)), m[5]); \
  } while (0)

// y for tile index `tile` from M[ξ][b][co..co+3].
INLINE void output_transform(const float *m, float *y, const Geometry *g, int tile, int b, int nb,
                                    const float *bias) {
  const int n = tile / (g->TY * g->TX), rest = tile % (g->TY * g->TX);
  const int oy0 = 4 * (rest / g->TX), ox0 = 4 * (rest % g->TX);
  float *yimg = y + (long)n * g->OH * g->OW * g->Co;
  const long mstride = (long)nb * g->Co;
  for (int co = 0; co < g->Co; co += 4) {
    const float *mp = m + (long)b * g->Co + co;
    const v128_t bv = bias ? wasm_v128_load(bias + co) : wasm_f32x4_splat(0);
    v128_t s[4][6];
    UNROLL for (int j = 0; j < 6; j++) {  // s = Aᵀ m, one column at a time
      v128_t c[6], o[4];
      UNROLL for (int i = 0; i < 6; i++) c[i] = wasm_v128_load(mp + (6 * i + j) * mstride);
      A_T(c, o);
      UNROLL for (int i = 0; i < 4; i++) s[i][j] = o[i];
    }
    UNROLL for (int i = 0; i < 4; i++) {  // Y = s A
      v128_t o[4];
      A_T(s[i], o);
      float *yrow = yimg + (long)(oy0 + i) * g->OW * g->Co + co;
      UNROLL for (int j = 0; j < 4; j++)
        if (oy0 + i < g->OH && ox0 + j < g->OW) wasm_v128_store(yrow + (long)(ox0 + j) * g->Co, wasm_f32x4_add(o[j], bv));
    }
  }
}

// A applied to 4 values (rows of A = columns of Aᵀ: (1, 0, 0, 0), (1, 1, 1, 1), (1, −1, 1, −1),
// (1, 2, 4, 8), (1, −2, 4, −8), (0, 0, 0, 1)).
#define A_(d, r)                                                                         \
  do {                                                                                   \
    const v128_t e = wasm_f32x4_add(d[0], d[2]), o = wasm_f32x4_add(d[1], d[3]);         \
    const v128_t e4 = wasm_f32x4_add(d[0], wasm_f32x4_mul(wasm_f32x4_splat(4), d[2]));   \
    const v128_t o8 = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(2), d[1]), wasm_f32x4_mul(wasm_f32x4_splat(8), d[3])); \
    r[0] = d[0];                                                                         \
    r[1] = wasm_f32x4_add(e, o);                                                         \
    r[2] = wasm_f32x4_sub(e, o);                                                         \
    r[3] = wasm_f32x4_add(e4, o8);                                                       \
    r[4] = wasm_f32x4_sub(e4, o8);                                                       \
    r[5] = d[3];                                                                         \
  } while (0)

// D[ξ][b][co..co+3] = (A d Aᵀ)[ξ] for the 4×4 dy tile of tile index `tile` (zeros past OH, OW).
INLINE void dy_transform(const float *dy, float *dt, const Geometry *g, int tile, int b, int nb) {
  const int n = tile / (g->TY * g->TX), rest = tile % (g->TY * g->TX);
  const int oy0 = 4 * (rest / g->TX), ox0 = 4 * (rest % g->TX);
  const float *dyimg = dy + (long)n * g->OH * g->OW * g->Co;
  const int inside = oy0 + 4 <= g->OH && ox0 + 4 <= g->OW;
  const long dstride = (long)nb * g->Co;
  for (int co = 0; co < g->Co; co += 4) {
    v128_t t[6][4];
    UNROLL for (int j = 0; j < 4; j++) {  // t = A d, one dy column at a time
      v128_t d[4], r[6];
      UNROLL for (int i = 0; i < 4; i++)
        d[i] = inside || (oy0 + i < g->OH && ox0 + j < g->OW)
                   ? wasm_v128_load(dyimg + ((long)(oy0 + i) * g->OW + ox0 + j) * g->Co + co)
                   : wasm_f32x4_splat(0);
      A_(d, r);
      UNROLL for (int i = 0; i < 6; i++) t[i][j] = r[i];
    }
    float *dp = dt + (long)b * g->Co + co;
    UNROLL for (int i = 0; i < 6; i++) {  // D = t Aᵀ
      v128_t r[6];
      A_(t[i], r);
      UNROLL for (int j = 0; j < 6; j++) wasm_v128_store(dp + (6 * i + j) * dstride, r[j]);
    }
  }
}

#define POINTS 36
#include "winograd-tiles.h"

__attribute__((export_name("winograd4_conv"))) void winograd4_conv(const float *x, const float *u, float *y, int t0,
                                                                   int t1, int H, int W, int Ci, int OH, int OW, int Co,
                                                                   int top, int left, float *scratch, const float *bias,
                                                                   int block) {
  const Geometry g = {H, W, Ci, OH, OW, Co, top, left, (OH + 3) / 4, (OW + 3) / 4};
  conv_tiles(x, u, y, t0, t1, &g, scratch, bias, block);
}

// ---- Filter gradient: dw = Gᵀ [Σ_tiles (A dy Aᵀ) ⊙ (Bᵀ x B)] G (see winograd.c) ----

// Gᵀ applied to 6 values (rows of Gᵀ: (¼, −⅙, −⅙, 1/24, 1/24, 0), (0, −⅙, ⅙, 1/12, −1/12, 0),
// (0, −⅙, −⅙, ⅙, ⅙, 1)).
#define G_T(m, o)                                                                        \
  do {                                                                                   \
    const v128_t s12 = wasm_f32x4_add(m[1], m[2]), d12 = wasm_f32x4_sub(m[1], m[2]);     \
    const v128_t s34 = wasm_f32x4_add(m[3], m[4]), d34 = wasm_f32x4_sub(m[3], m[4]);     \
    const v128_t sixth = wasm_f32x4_splat(1.0f / 6);                                     \
    o[0] = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(wasm_f32x4_splat(0.25f), m[0]), wasm_f32x4_mul(sixth, s12)), \
                          wasm_f32x4_mul(wasm_f32x4_splat(1.0f / 24), s34));             \
    o[1] = wasm_f32x4_sub(wasm_f32x4_mul(wasm_f32x4_splat(1.0f / 12), d34), wasm_f32x4_mul(sixth, d12)); \
    o[2] = wasm_f32x4_add(wasm_f32x4_mul(sixth, wasm_f32x4_sub(s34, s12)), m[5]);        \
  } while (0)

__attribute__((export_name("winograd4_filter_grad"))) void winograd4_filter_grad(
    const float *x, const float *dy, float *dw, int ci0, int ci1, int N, int H, int W, int Ci, int OH, int OW,
    int Co, int top, int left, float *m, float *scratch, int block) {
  const Geometry g = {H, W, Ci, OH, OW, Co, top, left, (OH + 3) / 4, (OW + 3) / 4};
  filter_grad_tiles(x, dy, ci0, ci1, N, &g, m, scratch, block);
  const long plane = (long)Ci * Co;
  for (int ci = ci0; ci < ci1; ci++)
    for (int co = 0; co < Co; co += 4) {
      const float *mp = m + (long)ci * Co + co;
      v128_t t[3][6];
      UNROLL for (int j = 0; j < 6; j++) {  // t = Gᵀ M, one column at a time
        v128_t c[6], o[3];
        UNROLL for (int i = 0; i < 6; i++) c[i] = wasm_v128_load(mp + (6 * i + j) * plane);
        G_T(c, o);
        UNROLL for (int i = 0; i < 3; i++) t[i][j] = o[i];
      }
      float *wp = dw + (long)ci * Co + co;
      UNROLL for (int i = 0; i < 3; i++) {  // dw = t G
        v128_t o[3];
        G_T(t[i], o);
        UNROLL for (int j = 0; j < 3; j++) wasm_v128_store(wp + (long)(3 * i + j) * plane, o[j]);
      }
    }
}
