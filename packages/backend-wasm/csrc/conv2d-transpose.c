// The input gradient of a 2-D convolution (a transposed convolution) for tfjs-backend-wasm, in
// WebAssembly SIMD, for any stride: no zeros inserted into dy, no flipped filter copy.
// Built by ../scripts/build-simd-kernels.sh.
//
// dx[n][ih][iw][ci] = Σ_{kh, kw, co} dy[n][oh][ow][co] · wt[kh][kw][co][ci]
//   over oh = (ih + top − kh) / sh, ow = (iw + left − kw) / sw where those divide exactly and lie
//   inside dy; wt is the forward filter [KH, KW, Ci, Co] transposed to [KH, KW, Co, Ci].
//
// Each call computes dx rows [r0, r1) of the N·H rows. Register tile: 4 pixels of one stride
// phase (iw, iw + sw, iw + 2sw, iw + 3sw: the same taps apply to all four) × 8 input channels;
// a tap outside dy for one of the four reads `zeros` (Co zeros).
#include "simd.h"

typedef struct {
  int H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left;
} Shape;

// ow for pixel iw and tap kw, or -1 when the tap does not reach dy.
static inline int source_col(const Shape *s, int iw, int kw) {
  const int num = iw + s->left - kw;
  if (num < 0 || num % s->sw != 0) return -1;
  const int ow = num / s->sw;
  return ow < s->OW ? ow : -1;
}

#define TILE(M, NV)                                                                                \
  static inline void tile_##M##_##NV(const float *dyimg, const float *wt, float *dxrow,           \
                                     const Shape *s, int ih, int iw, int ci, const float *zeros) { \
    v128_t acc[M][NV];                                                                             \
    for (int m = 0; m < M; m++)                                                                    \
      for (int v = 0; v < NV; v++) acc[m][v] = wasm_f32x4_splat(0);                                \
    for (int kh = 0; kh < s->KH; kh++) {                                                           \
      const int ohn = ih + s->top - kh;                                                            \
      if (ohn < 0 || ohn % s->sh != 0 || ohn / s->sh >= s->OH) continue;                           \
      const float *dyrow = dyimg + (long)(ohn / s->sh) * s->OW * s->Co;                            \
      for (int kw = 0; kw < s->KW; kw++) {                                                         \
        const float *dp[M];                                                                        \
        int any = 0;                                                                               \
        for (int m = 0; m < M; m++) {                                                              \
          const int ow = source_col(s, iw + m * s->sw, kw);                                        \
          dp[m] = ow >= 0 ? dyrow + (long)ow * s->Co : zeros;                                      \
          any |= ow >= 0;                                                                          \
        }                                                                                          \
        if (!any) continue;                                                                        \
        const float *wp = wt + (long)(kh * s->KW + kw) * s->Co * s->Ci + ci;                       \
        for (int co = 0; co < s->Co; co++, wp += s->Ci) {                                          \
          v128_t w[NV];                                                                            \
          for (int v = 0; v < NV; v++) w[v] = wasm_v128_load(wp + 4 * v);                          \
          for (int m = 0; m < M; m++) {                                                            \
            const v128_t d = wasm_v128_load32_splat(dp[m] + co);                                   \
            for (int v = 0; v < NV; v++) acc[m][v] = MADD(acc[m][v], d, w[v]); \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    for (int m = 0; m < M; m++)                                                                    \
      for (int v = 0; v < NV; v++)                                                                 \
        wasm_v128_store(dxrow + (long)(iw + m * s->sw) * s->Ci + ci + 4 * v, acc[m][v]);           \
  }

TILE(4, 2)
TILE(1, 2)
TILE(1, 1)

// Input channels left after the 4-wide vectors, one at a time, one pixel.
static void pixel_scalar(const float *dyimg, const float *wt, float *dxrow, const Shape *s, int ih,
                         int iw, int ci) {
  float acc = 0;
  for (int kh = 0; kh < s->KH; kh++) {
    const int ohn = ih + s->top - kh;
    if (ohn < 0 || ohn % s->sh != 0 || ohn / s->sh >= s->OH) continue;
    for (int kw = 0; kw < s->KW; kw++) {
      const int ow = source_col(s, iw, kw);
      if (ow < 0) continue;
      const float *dp = dyimg + ((long)(ohn / s->sh) * s->OW + ow) * s->Co;
      const float *wp = wt + (long)(kh * s->KW + kw) * s->Co * s->Ci + ci;
      for (int co = 0; co < s->Co; co++) acc += dp[co] * wp[(long)co * s->Ci];
    }
  }
  dxrow[(long)iw * s->Ci + ci] = acc;
}

__attribute__((export_name("conv2d_transpose"))) void conv2d_transpose(
    const float *dy, const float *wt, float *dx, int r0, int r1, int H, int W, int Ci, int OH,
    int OW, int Co, int KH, int KW, int sh, int sw, int top, int left, const float *zeros) {
  const Shape s = {H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left};
  const int cv8 = Ci - Ci % 8, cv4 = Ci - Ci % 4;
  for (int r = r0; r < r1; r++) {
    const int n = r / H, ih = r % H;
    const float *dyimg = dy + (long)n * OH * OW * Co;
    float *dxrow = dx + (long)r * W * Ci;
    for (int phase = 0; phase < sw && phase < W; phase++) {
      // Pixels phase, phase + sw, ...: count of them, then quads and singles.
      const int count = (W - 1 - phase) / sw + 1;
      for (int ci = 0; ci < cv8; ci += 8) {
        int j = 0;
        for (; j + 4 <= count; j += 4) tile_4_2(dyimg, wt, dxrow, &s, ih, phase + j * sw, ci, zeros);
        for (; j < count; j++) tile_1_2(dyimg, wt, dxrow, &s, ih, phase + j * sw, ci, zeros);
      }
      for (int ci = cv8; ci < cv4; ci += 4)
        for (int j = 0; j < count; j++) tile_1_1(dyimg, wt, dxrow, &s, ih, phase + j * sw, ci, zeros);
      for (int ci = cv4; ci < Ci; ci++)
        for (int j = 0; j < count; j++) pixel_scalar(dyimg, wt, dxrow, &s, ih, phase + j * sw, ci);
    }
  }
}
