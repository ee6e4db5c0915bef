import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release } from '../kernel-call.js';
import { sliceStart, type SimdKernels } from './simd-kernels.js';
import { offsetOf } from './state.js';

/** Floats of packing space per thread in csrc/gemm.c (KC·NC + MC·KC). */
const GEMM_SCRATCH = 256 * 256 + 128 * 256;
/** Below this many multiply-adds per thread, waking a helper costs more than it saves. */
const MIN_MACS_PER_THREAD = 1_000_000;

/** One operand of {@link simdGemm}: a float32 tensor read as a row-major matrix, or its transpose. */
export interface GemmOperand {
  tensor: TensorInfo;
  transposed: boolean;
  /** Where the matrix starts in the tensor, in floats (default 0). */
  offset?: number;
}

/** Where a product goes: byte offsets in the wasm memory, and whether C is added to. */
export interface GemmCall {
  a: number;
  transA: boolean;
  b: number;
  transB: boolean;
  c: number;
  bias?: number;
  accumulate?: boolean;
}

/**
 * `C (+)= op(A) · op(B) (+ bias on every row)` (M × K times K × N, row-major; N % 8 == 0) by
 * csrc/gemm.c at the given byte offsets; threads split the rows of C.
 */
export function gemmInto(kernels: SimdKernels, backend: BackendWasm, call: GemmCall, m: number, n: number, k: number): void {
  if (n % 8 !== 0) throw new Error(`gemm: N must be a multiple of 8, got ${n}`);
  if (m === 0 || n === 0) return;
  const threads = kernels.threadsFor(Math.ceil(m / 4), m * n * k, MIN_MACS_PER_THREAD);
  const scratch = backend.makeOutput([threads * GEMM_SCRATCH], 'float32');
  const sAt = offsetOf(backend, scratch);
  const rows = sliceStart(m, threads, 4);
  const { a, b, c, transA, transB, bias = 0, accumulate = false } = call;
  kernels.parallel('gemm', threads, (t) => ({ a, b, c, m0: rows(t), m1: rows(t + 1), M: m, N: n, K: k, trans_a: transA ? 1 : 0, trans_b: transB ? 1 : 0, scratch: sAt + 4 * t * GEMM_SCRATCH, bias, accumulate: accumulate ? 1 : 0 }));
  release(backend, scratch);
}

/**
 * `C = op(A) · op(B) (+ bias on every row)` (M × K times K × N, row-major; N % 8 == 0) by
 * csrc/gemm.c into a new float32 tensor of `shape` (M·N values).
 */
export function simdGemm(
  kernels: SimdKernels,
  backend: BackendWasm,
  a: GemmOperand,
  b: GemmOperand,
  m: number,
  n: number,
  k: number,
  shape: number[],
  bias: TensorInfo | null = null,
): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const at = (o: GemmOperand) => offsetOf(backend, o.tensor) + 4 * (o.offset ?? 0);
  gemmInto(kernels, backend, { a: at(a), transA: a.transposed, b: at(b), transB: b.transposed, c: offsetOf(backend, out), bias: bias ? offsetOf(backend, bias) : 0 }, m, n, k);
  return out;
}
