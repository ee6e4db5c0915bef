// Direct 2-D convolution for tfjs-backend-wasm, in WebAssembly SIMD (128-bit): NHWC input, HWIO
// filter, zero padding, dilation 1. Serves the forward pass and (with the filter flipped and
// transposed, dy spread for strides > 1) the input gradient. Built by
// ../scripts/build-simd-kernels.sh.
//
// y[n][oh][ow][co] = Σ_{kh, kw, ci} x[n][oh*sh + kh − top][ow*sw + kw − left][ci] · w[kh][kw][ci][co]
//
// Each call computes output rows [r0, r1) of the N·OH rows, so threads can split them. Register
// tile: 4 neighbouring output pixels × 8 output channels (8 accumulators); per input channel it
// loads two filter vectors and four broadcast inputs (taps off the image's left/right edge read a
// row of zeros, so border pixels take the same path).
#include "simd.h"

typedef struct {
  int H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left;
} Shape;

// One pixel (no column checks needed when `checked` is 0), NV vectors of output channels.
#define PIXEL(NV)                                                                                  \
  static inline void pixel_##NV(const float *ximg, const float *w, float *yp, const Shape *s,      \
                                int oh, int ow, int co, const float *bias) {                       \
    v128_t acc[NV];                                                                                \
    for (int v = 0; v < NV; v++) acc[v] = bias ? wasm_v128_load(bias + co + 4 * v) : wasm_f32x4_splat(0); \
    for (int kh = 0; kh < s->KH; kh++) {                                                           \
      const int ih = oh * s->sh + kh - s->top;                                                     \
      if (ih < 0 || ih >= s->H) continue;                                                          \
      for (int kw = 0; kw < s->KW; kw++) {                                                         \
        const int iw = ow * s->sw + kw - s->left;                                                  \
        if (iw < 0 || iw >= s->W) continue;                                                        \
        const float *xp = ximg + ((long)ih * s->W + iw) * s->Ci;                                   \
        const float *wp = w + (long)(kh * s->KW + kw) * s->Ci * s->Co + co;                        \
        for (int ci = 0; ci < s->Ci; ci++, wp += s->Co) {                                          \
          const v128_t xv = wasm_v128_load32_splat(xp + ci);                                       \
          for (int v = 0; v < NV; v++)                                                             \
            acc[v] = MADD(acc[v], xv, wasm_v128_load(wp + 4 * v));       \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    for (int v = 0; v < NV; v++) wasm_v128_store(yp + co + 4 * v, acc[v]);                         \
  }

PIXEL(2)
PIXEL(1)

// Four pixels ow..ow+3 (< OW), 8 output channels. A tap that falls outside the image columns
// for one of the pixels reads `zeros` (Ci zeros) instead: no branch in the channel loop.
static inline void quad_2(const float *ximg, const float *w, float *yrow, const Shape *s, int oh,
                          int ow, int co, const float *zeros, const float *bias) {
  const v128_t b0 = bias ? wasm_v128_load(bias + co) : wasm_f32x4_splat(0);
  const v128_t b1 = bias ? wasm_v128_load(bias + co + 4) : wasm_f32x4_splat(0);
  v128_t a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
  for (int kh = 0; kh < s->KH; kh++) {
    const int ih = oh * s->sh + kh - s->top;
    if (ih < 0 || ih >= s->H) continue;
    const float *xrow = ximg + (long)ih * s->W * s->Ci;
    for (int kw = 0; kw < s->KW; kw++) {
      const float *xp[4];
      for (int m = 0; m < 4; m++) {
        const int iw = (ow + m) * s->sw + kw - s->left;
        xp[m] = iw >= 0 && iw < s->W ? xrow + (long)iw * s->Ci : zeros;
      }
      const float *x0 = xp[0], *x1 = xp[1], *x2 = xp[2], *x3 = xp[3];
      const float *wp = w + (long)(kh * s->KW + kw) * s->Ci * s->Co + co;
      for (int ci = 0; ci < s->Ci; ci++, wp += s->Co) {
        const v128_t w0 = wasm_v128_load(wp), w1 = wasm_v128_load(wp + 4);
        v128_t x = wasm_v128_load32_splat(x0 + ci);
        a00 = MADD(a00, x, w0);
        a01 = MADD(a01, x, w1);
        x = wasm_v128_load32_splat(x1 + ci);
        a10 = MADD(a10, x, w0);
        a11 = MADD(a11, x, w1);
        x = wasm_v128_load32_splat(x2 + ci);
        a20 = MADD(a20, x, w0);
        a21 = MADD(a21, x, w1);
        x = wasm_v128_load32_splat(x3 + ci);
        a30 = MADD(a30, x, w0);
        a31 = MADD(a31, x, w1);
      }
    }
  }
  float *yp = yrow + (long)ow * s->Co + co;
  wasm_v128_store(yp, a00);
  wasm_v128_store(yp + 4, a01);
  yp += s->Co;
  wasm_v128_store(yp, a10);
  wasm_v128_store(yp + 4, a11);
  yp += s->Co;
  wasm_v128_store(yp, a20);
  wasm_v128_store(yp + 4, a21);
  yp += s->Co;
  wasm_v128_store(yp, a30);
  wasm_v128_store(yp + 4, a31);
}

// Output channels left after the 4-wide vectors, one at a time.
static void pixel_scalar(const float *ximg, const float *w, float *yp, const Shape *s, int oh,
                         int ow, int co, const float *bias) {
  float acc = bias ? bias[co] : 0;
  for (int kh = 0; kh < s->KH; kh++) {
    const int ih = oh * s->sh + kh - s->top;
    if (ih < 0 || ih >= s->H) continue;
    for (int kw = 0; kw < s->KW; kw++) {
      const int iw = ow * s->sw + kw - s->left;
      if (iw < 0 || iw >= s->W) continue;
      const float *xp = ximg + ((long)ih * s->W + iw) * s->Ci;
      const float *wp = w + (long)(kh * s->KW + kw) * s->Ci * s->Co + co;
      for (int ci = 0; ci < s->Ci; ci++) acc += xp[ci] * wp[(long)ci * s->Co];
    }
  }
  yp[co] = acc;
}

// `zeros`: Ci zeros (read for taps outside the image columns). `bias`: Co values added to every
// output pixel, or null (0).
__attribute__((export_name("conv2d"))) void conv2d(const float *x, const float *w, float *y,
                                                   int r0, int r1, int H, int W, int Ci, int OH,
                                                   int OW, int Co, int KH, int KW, int sh, int sw,
                                                   int top, int left, const float *zeros,
                                                   const float *bias) {
  const Shape s = {H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left};
  const int cv8 = Co - Co % 8, cv4 = Co - Co % 4;
  for (int r = r0; r < r1; r++) {
    const int n = r / OH, oh = r % OH;
    const float *ximg = x + (long)n * H * W * Ci;
    float *yrow = y + (long)r * OW * Co;
    for (int co = 0; co < cv8; co += 8) {
      int ow = 0;
      for (; ow + 4 <= OW; ow += 4) quad_2(ximg, w, yrow, &s, oh, ow, co, zeros, bias);
      for (; ow < OW; ow++) pixel_2(ximg, w, yrow + (long)ow * Co, &s, oh, ow, co, bias);
    }
    for (int co = cv8; co < cv4; co += 4)
      for (int ow = 0; ow < OW; ow++) pixel_1(ximg, w, yrow + (long)ow * Co, &s, oh, ow, co, bias);
    for (int co = cv4; co < Co; co++)
      for (int ow = 0; ow < OW; ow++) pixel_scalar(ximg, w, yrow + (long)ow * Co, &s, oh, ow, co, bias);
  }
}
