// Shared by the kernels: the multiply-add of every inner product, and the rules that keep their
// arrays off the shadow stack.
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

// Fixed-size loops over transform values must unroll, or their arrays land on the shadow stack
// (which this module must not use: see ../scripts/build-simd-kernels.sh).
#define UNROLL _Pragma("clang loop unroll(full)")
// Likewise helpers with such arrays must be inlined into their (unrolled) callers.
#define INLINE static inline __attribute__((always_inline))
