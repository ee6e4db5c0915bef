// ReLU's gradient for tfjs-backend-wasm in WebAssembly SIMD: dx = x > 0 ? dy : 0, one pass
// (tfjs composes it as dy · cast(step(x)): three kernels and two temporaries). Elements
// [i0, i1) per call, so threads can split them. Built by ../scripts/build-simd-kernels.sh.
#include <wasm_simd128.h>

__attribute__((export_name("relu_grad"))) void relu_grad(const float *dy, const float *x, float *dx,
                                                         int i0, int i1) {
  const v128_t zero = wasm_f32x4_splat(0);
  int i = i0;
  for (; i + 4 <= i1; i += 4)
    wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(wasm_v128_load(x + i), zero)));
  for (; i < i1; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
}
