// The tile loops of Winograd's F(2×2, 3×3) (winograd.c) and F(4×4, 3×3) (winograd4.c): included by
// each after it defines POINTS (transform points per tile: 16 or 36) and its transforms
// input_transform, output_transform and dy_transform.

// Forward: output tiles [t0, t1) in blocks of `block` tiles that stay in cache — input transform
// V = Bᵀ d B into scratch, POINTS matrix products M[ξ] = V[ξ] · U[ξ] (register tile 4 tiles × 8
// channels), output transform Aᵀ m A (+ bias). `scratch`: POINTS·block·(Ci + Co) floats.
INLINE void conv_tiles(const float *x, const float *u, float *y, int t0, int t1, const Geometry *g, float *scratch,
                       const float *bias, int block) {
  const int Ci = g->Ci, Co = g->Co;
  float *v = scratch, *m = scratch + (long)POINTS * block * Ci;
  const long uplane = (long)Ci * Co;
  for (int start = t0; start < t1; start += block) {
    const int nb = t1 - start < block ? t1 - start : block;
    for (int b = 0; b < nb; b++) input_transform(x, v, g, start + b, b, nb, 0, Ci);
    for (int xi = 0; xi < POINTS; xi++) {
      const float *vx = v + (long)xi * nb * Ci, *ux = u + xi * uplane;
      float *mx = m + (long)xi * nb * Co;
      for (int co = 0; co < Co; co += 8) {
        int b = 0;
        for (; b + 4 <= nb; b += 4) gemm_4(vx + (long)b * Ci, ux, mx + (long)b * Co, Ci, Co, co);
        for (; b < nb; b++) gemm_1(vx + (long)b * Ci, ux, mx + (long)b * Co, Ci, Co, co);
      }
    }
    for (int b = 0; b < nb; b++) output_transform(m, y, g, start + b, b, nb, bias);
  }
}

// Filter gradient, before its output transform: m[ξ][ci][co] = Σ over all N·TY·TX tiles of
// V[ξ][t][ci] · D[ξ][t][co] for input channels [ci0, ci1) (D = the transformed dy tiles).
// `scratch`: POINTS·block·(ci1 − ci0 + Co) floats.
INLINE void filter_grad_tiles(const float *x, const float *dy, int ci0, int ci1, int N, const Geometry *g, float *m,
                              float *scratch, int block) {
  const int tiles = N * g->TY * g->TX, cw = ci1 - ci0, Co = g->Co;
  const long plane = (long)g->Ci * Co;
  float *v = scratch, *dt = scratch + (long)POINTS * block * cw;
  for (int start = 0; start < tiles; start += block) {
    const int nb = tiles - start < block ? tiles - start : block;
    for (int b = 0; b < nb; b++) {
      input_transform(x, v, g, start + b, b, nb, ci0, ci1);
      dy_transform(dy, dt, g, start + b, b, nb);
    }
    for (int xi = 0; xi < POINTS; xi++) {
      const float *vx = v + (long)xi * nb * cw, *dx = dt + (long)xi * nb * Co;
      float *mx = m + xi * plane;
      for (int ci = ci0; ci < ci1; ci += 4)
        for (int co = 0; co < Co; co += 8) gemm_tn(vx + (ci - ci0), dx, mx + (long)ci * Co, nb, cw, Co, co, start == 0);
    }
  }
}
