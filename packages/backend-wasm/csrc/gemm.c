// Matrix product C = op(A) · op(B) for tfjs-backend-wasm, in WebAssembly SIMD: the 1×1
// convolutions (forward y = x·W, input gradient dx = dy·Wᵀ, filter gradient dW = xᵀ·dy) without
// XNNPACK's per-call weight packing or a transposed copy. Built by ../scripts/build-simd-kernels.sh.
//
// op(A) is M × K: a[m·K + k], or with trans_a a[k·M + m]; op(B) is K × N: b[k·N + n], or with
// trans_b b[n·K + k]; C is M × N, c[m·N + n], plus `bias` (N values) on every row unless null;
// with `accumulate`, C += op(A) · op(B) instead.
// N % 8 == 0. Each call computes rows [m0, m1).
// Loop nest as in BLIS (Van Zee & van de Geijn 2015): blocks of KC × NC of B and MC × KC of A are
// packed into `scratch` (KC·NC + MC·KC floats for the calling thread) as panels of 8 columns /
// 4 rows, which a 4 × 8 register tile then streams contiguously (packing also takes the
// transposes, so all three products share one inner kernel).
#include "simd.h"

#define MR 4
#define NR 8
#define KC 256
#define NC 256
#define MC 128

// Bp[panel][k][0..7] for k in [k0, k0 + kc), n in [n0, n0 + nc).
static void pack_b(const float *b, float *bp, int K, int N, int trans_b, int k0, int kc, int n0, int nc) {
  for (int p = 0; p < nc; p += NR) {
    float *dst = bp + (long)p * kc;
    if (!trans_b) {
      const float *src = b + (long)k0 * N + n0 + p;
      for (int k = 0; k < kc; k++, src += N, dst += NR) {
        wasm_v128_store(dst, wasm_v128_load(src));
        wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
      }
    } else {
      for (int j = 0; j < NR; j++) {
        const float *src = b + (long)(n0 + p + j) * K + k0;
        for (int k = 0; k < kc; k++) dst[k * NR + j] = src[k];
      }
    }
  }
}

// Ap[panel][k][0..3] for m in [m0, m0 + mc) (rows past m_end are zeros), k in [k0, k0 + kc).
static void pack_a(const float *a, float *ap, int M, int K, int trans_a, int m0, int mc, int m_end, int k0, int kc) {
  const int full = (m_end - m0 < mc ? m_end - m0 : mc) / MR * MR;  // rows in whole panels
  if (trans_a) {
    // Row k of A's storage holds this block's m contiguously: read it once, in order (reading a
    // panel's column down k instead strides by M floats, 4 KiB for M = 1024: L1 set conflicts).
    for (int k = 0; k < kc; k++) {
      const float *src = a + (long)(k0 + k) * M + m0;
      for (int p = 0; p < full; p += MR) wasm_v128_store(ap + (long)p * kc + k * MR, wasm_v128_load(src + p));
    }
  }
  for (int p = trans_a ? full : 0; p < mc; p += MR) {
    float *dst = ap + (long)p * kc;
    const int rows = m_end - (m0 + p) < MR ? m_end - (m0 + p) : MR;
    for (int i = 0; i < MR; i++) {
      if (i >= rows) {
        for (int k = 0; k < kc; k++) dst[k * MR + i] = 0;
      } else if (trans_a) {
        const float *src = a + (long)k0 * M + m0 + p + i;
        for (int k = 0; k < kc; k++) dst[k * MR + i] = src[(long)k * M];
      } else {
        const float *src = a + (long)(m0 + p + i) * K + k0;
        for (int k = 0; k < kc; k++) dst[k * MR + i] = src[k];
      }
    }
  }
}

// C[rows × 8] (+)= Ap-panel · Bp-panel over kc; `rows` ≤ 4 valid rows.
// Without `accumulate`, the tile starts from `bias` (8 values) or zeros.
INLINE void micro(const float *ap, const float *bp, float *c, int N, int kc, int rows, int accumulate,
                  const float *bias) {
  const v128_t lo = bias ? wasm_v128_load(bias) : wasm_f32x4_splat(0), hi = bias ? wasm_v128_load(bias + 4) : lo;
  v128_t c00 = lo, c01 = hi, c10 = lo, c11 = hi, c20 = lo, c21 = hi, c30 = lo, c31 = hi;
  for (int k = 0; k < kc; k++, ap += MR, bp += NR) {
    const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
    v128_t s = wasm_v128_load32_splat(ap);
    c00 = MADD(c00, s, b0), c01 = MADD(c01, s, b1);
    s = wasm_v128_load32_splat(ap + 1);
    c10 = MADD(c10, s, b0), c11 = MADD(c11, s, b1);
    s = wasm_v128_load32_splat(ap + 2);
    c20 = MADD(c20, s, b0), c21 = MADD(c21, s, b1);
    s = wasm_v128_load32_splat(ap + 3);
    c30 = MADD(c30, s, b0), c31 = MADD(c31, s, b1);
  }
#define STORE(r, lo, hi)                                                                   \
  if (rows > r) {                                                                          \
    float *cr = c + (long)r * N;                                                           \
    if (accumulate) {                                                                      \
      lo = wasm_f32x4_add(lo, wasm_v128_load(cr));                                         \
      hi = wasm_f32x4_add(hi, wasm_v128_load(cr + 4));                                     \
    }                                                                                      \
    wasm_v128_store(cr, lo);                                                               \
    wasm_v128_store(cr + 4, hi);                                                           \
  }
  STORE(0, c00, c01)
  STORE(1, c10, c11)
  STORE(2, c20, c21)
  STORE(3, c30, c31)
#undef STORE
}

__attribute__((export_name("gemm"))) void gemm(const float *a, const float *b, float *c, int m0, int m1, int M, int N,
                                               int K, int trans_a, int trans_b, float *scratch, const float *bias,
                                               int accumulate) {
  float *bp = scratch, *ap = scratch + KC * NC;
  for (int n0 = 0; n0 < N; n0 += NC) {
    const int nc = N - n0 < NC ? N - n0 : NC;
    for (int k0 = 0; k0 < K; k0 += KC) {
      const int kc = K - k0 < KC ? K - k0 : KC;
      pack_b(b, bp, K, N, trans_b, k0, kc, n0, nc);
      for (int i0 = m0; i0 < m1; i0 += MC) {
        const int mc = m1 - i0 < MC ? m1 - i0 : MC;
        pack_a(a, ap, M, K, trans_a, i0, (mc + MR - 1) / MR * MR, m1, k0, kc);
        for (int p = 0; p < nc; p += NR)
          for (int i = 0; i < mc; i += MR)
            micro(ap + (long)i * kc, bp + (long)p * kc, c + (long)(i0 + i) * N + n0 + p, N, kc,
                  mc - i < MR ? mc - i : MR, k0 > 0 || accumulate, k0 == 0 && bias ? bias + n0 + p : 0);
      }
    }
  }
}

// The input gradient of a convolution with few input channels (an image's RGB), after the product
// cols = dy · Wᵀ (cols[n][oh][ow][(kh·KW + kw)·Ci + ci], `ldc` floats per pixel): each dx value
// gathers the taps that reached it, dx[n][ih][iw][ci] = Σ cols[n][oh][ow][(kh·KW + kw)·Ci + ci]
// over oh·sh = ih + top − kh, ow·sw = iw + left − kw inside dy. Rows [r0, r1) of the N·H dx rows.
__attribute__((export_name("col2im"))) void col2im(const float *cols, float *dx, int r0, int r1, int H, int W, int Ci,
                                                   int OH, int OW, int KH, int KW, int sh, int sw, int top, int left,
                                                   int ldc) {
  for (int r = r0; r < r1; r++) {
    const int n = r / H, ih = r % H;
    float *out = dx + (long)r * W * Ci;
    for (int iw = 0; iw < W; iw++)
      for (int ci = 0; ci < Ci; ci++) {
        float sum = 0;
        for (int kh = 0; kh < KH; kh++) {
          const int y = ih + top - kh;
          if (y < 0 || y % sh != 0 || y / sh >= OH) continue;
          const float *row = cols + ((long)n * OH + y / sh) * OW * ldc + (long)kh * KW * Ci + ci;
          for (int kw = 0; kw < KW; kw++) {
            const int x = iw + left - kw;
            if (x >= 0 && x % sw == 0 && x / sw < OW) sum += row[(long)(x / sw) * ldc + kw * Ci];
          }
        }
        out[(long)iw * Ci + ci] = sum;
      }
  }
}

// The patches of a convolution as matrix rows (im2col), for csrc/gemm.c's product:
// cols[p − q0][(kh·KW + kw)·Ci + ci] = x[n][oh·sh + kh − top][ow·sw + kw − left][ci] (zero outside)
// for output pixels p = (n·OH + oh)·OW + ow in [p0, p1); q0 is the first pixel `cols` holds.
__attribute__((export_name("im2col"))) void im2col(const float *x, float *cols, int q0, int p0, int p1, int H, int W,
                                                   int Ci, int OH, int OW, int KH, int KW, int sh, int sw, int top,
                                                   int left) {
  const long K = (long)KH * KW * Ci;
  for (int p = p0; p < p1; p++) {
    const int n = p / (OH * OW), oh = p / OW % OH, ow = p % OW;
    float *row = cols + (long)(p - q0) * K;
    for (int kh = 0; kh < KH; kh++) {
      const int ih = oh * sh + kh - top;
      for (int kw = 0; kw < KW; kw++) {
        const int iw = ow * sw + kw - left;
        float *dst = row + (long)(kh * KW + kw) * Ci;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
          for (int ci = 0; ci < Ci; ci++) dst[ci] = 0;
          continue;
        }
        const float *src = x + (((long)n * H + ih) * W + iw) * Ci;
        int ci = 0;
        for (; ci + 4 <= Ci; ci += 4) wasm_v128_store(dst + ci, wasm_v128_load(src + ci));
        for (; ci < Ci; ci++) dst[ci] = src[ci];
      }
    }
  }
}
