// Shared by the kernels: the multiply-add of every inner product.
#pragma once
#include <wasm_simd128.h>

// acc + a·b. Built with relaxed SIMD (the `relaxed` module variants), one fused multiply-add
// (x86 FMA3, Arm fmla: twice the multiply-adds per cycle); else a multiply and an add. Relaxed
// SIMD leaves fusing to the engine, so results may differ in the last bit between machines.
#ifdef __wasm_relaxed_simd__
#define MADD(acc, a, b) wasm_f32x4_relaxed_madd(a, b, acc)
#else
#define MADD(acc, a, b) wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))
#endif
