// Conv2DBackpropFilter for tfjs-backend-wasm, in WebAssembly SIMD (128-bit).
// Built by ../scripts/build-simd-kernels.sh into src/wasm/simd/filter-grad-wasm.ts (base64).
//
// dw[kh][kw][ci][co] += sum over n in [n0, n1), oh, ow of
//                        x[n][oh*sh + kh - top][ow*sw + kw - left][ci] * dy[n][oh][ow][co]
// (NHWC x and dy, HWIO dw; input pixels outside the image are skipped: zero padding).
//
// Why not XNNPACK: as a convolution, one of the two activation-sized operands has to be the
// "filter", which XNNPACK re-packs on every call (≈ 20 ms for 8 MB); here nothing is packed.
// Loop order: one block of output rows at a time (a whole image when it fits in L2, else a few
// rows: their x and dy stay in cache), then per filter tap a register tile of MR input channels ×
// 4·NV output channels accumulates over the block's pixels.
// The code uses no shadow stack and no static data, so two instances can share one memory.
#include "simd.h"

#define TILE(MR, NV)                                                                           \
  static inline void tile_##MR##_##NV(const float *xrow0, const float *dyimg, float *dwt,      \
                                      int ci0, int co0, int Ci, int Co, int W, int oh0,        \
                                      int oh1, int OW, int sh, int sw, int ih0, int iw0,       \
                                      int H, int ow_lo, int ow_hi) {                           \
    v128_t acc[MR][NV];                                                                        \
    for (int m = 0; m < MR; m++)                                                               \
      for (int v = 0; v < NV; v++) acc[m][v] = wasm_v128_load(dwt + (ci0 + m) * Co + co0 + 4 * v); \
    for (int oh = oh0; oh < oh1; oh++) {                                                       \
      int ih = oh * sh + ih0;                                                                  \
      if (ih < 0 || ih >= H) continue;                                                         \
      const float *xp = xrow0 + ((long)ih * W + ow_lo * sw + iw0) * Ci + ci0;                  \
      const float *dp = dyimg + ((long)oh * OW + ow_lo) * Co + co0;                            \
      const int xstep = sw * Ci;                                                               \
      for (int ow = ow_lo; ow < ow_hi; ow++, xp += xstep, dp += Co) {                          \
        v128_t d[NV];                                                                          \
        for (int v = 0; v < NV; v++) d[v] = wasm_v128_load(dp + 4 * v);                        \
        for (int m = 0; m < MR; m++) {                                                         \
          v128_t s = wasm_v128_load32_splat(xp + m);                                           \
          for (int v = 0; v < NV; v++) acc[m][v] = MADD(acc[m][v], s, d[v]); \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
    for (int m = 0; m < MR; m++)                                                               \
      for (int v = 0; v < NV; v++) wasm_v128_store(dwt + (ci0 + m) * Co + co0 + 4 * v, acc[m][v]); \
  }

TILE(4, 2)
TILE(1, 2)
TILE(4, 1)
TILE(1, 1)

// Output channels left over after the 4-wide vectors (Co % 4), one scalar at a time.
static void tail_scalar(const float *xrow0, const float *dyimg, float *dwt, int ci, int co,
                        int Ci, int Co, int W, int oh0, int oh1, int OW, int sh, int sw, int ih0,
                        int iw0, int H, int ow_lo, int ow_hi) {
  float acc = dwt[ci * Co + co];
  for (int oh = oh0; oh < oh1; oh++) {
    int ih = oh * sh + ih0;
    if (ih < 0 || ih >= H) continue;
    const float *xp = xrow0 + ((long)ih * W + ow_lo * sw + iw0) * Ci + ci;
    const float *dp = dyimg + ((long)oh * OW + ow_lo) * Co + co;
    for (int ow = ow_lo; ow < ow_hi; ow++, xp += sw * Ci, dp += Co) acc += *xp * *dp;
  }
  dwt[ci * Co + co] = acc;
}

static int ceil_div(int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

__attribute__((export_name("filter_grad"))) void filter_grad(
    const float *x, const float *dy, float *dw, int n0, int n1, int H, int W, int Ci, int OH,
    int OW, int Co, int KH, int KW, int sh, int sw, int top, int left) {
  const int co_vec8 = Co - Co % 8;
  const int co_vec4 = Co - Co % 4;
  const int ci_vec4 = Ci - Ci % 4;
  // Output rows per block: the block's dy rows and the x rows they read stay in L2 (≈ 256 KiB)
  // across all taps and channel tiles (a whole CIFAR image; a few rows of an ImageNet one).
  const long bytes_per_row = 4L * (OW * Co + (long)sh * W * Ci);
  int rows = (int)(262144 / (bytes_per_row > 0 ? bytes_per_row : 1));
  if (rows < 1) rows = 1;
  for (int n = n0; n < n1; n++) {
    const float *ximg = x + (long)n * H * W * Ci;
    const float *dyimg = dy + (long)n * OH * OW * Co;
    for (int oh0 = 0; oh0 < OH; oh0 += rows) {
    const int oh1 = oh0 + rows < OH ? oh0 + rows : OH;
    for (int kh = 0; kh < KH; kh++) {
      for (int kw = 0; kw < KW; kw++) {
        float *dwt = dw + (long)(kh * KW + kw) * Ci * Co;
        const int ih0 = kh - top, iw0 = kw - left;
        // Output columns whose input column iw = ow*sw + iw0 lies in [0, W).
        int ow_lo = ceil_div(-iw0, sw);
        if (ow_lo < 0) ow_lo = 0;
        int ow_hi = (W - 1 - iw0) >= 0 ? (W - 1 - iw0) / sw + 1 : 0;
        if (ow_hi > OW) ow_hi = OW;
        if (ow_lo >= ow_hi) continue;
#define ARGS ximg, dyimg, dwt, ci, co, Ci, Co, W, oh0, oh1, OW, sh, sw, ih0, iw0, H, ow_lo, ow_hi
        int ci = 0;
        for (; ci < ci_vec4; ci += 4) {
          int co = 0;
          for (; co < co_vec8; co += 8) tile_4_2(ARGS);
          for (; co < co_vec4; co += 4) tile_4_1(ARGS);
        }
        for (; ci < Ci; ci++) {
          int co = 0;
          for (; co < co_vec8; co += 8) tile_1_2(ARGS);
          for (; co < co_vec4; co += 4) tile_1_1(ARGS);
        }
        for (ci = 0; ci < Ci; ci++)
          for (int co = co_vec4; co < Co; co++) tail_scalar(ARGS);
#undef ARGS
      }
    }
    }
  }
}
