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

/**
 * `C = op(A) · op(B) (+ bias on every row)` (M × K times K × N, row-major; N % 8 == 0) by
 * csrc/gemm.c into a new float32 tensor of `shape` (M·N values); threads split the rows of C.
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
  if (n % 8 !== 0) throw new Error(`simdGemm: N must be a multiple of 8, got ${n}`);
  const out = backend.makeOutput(shape, 'float32');
  if (m === 0 || n === 0) return out;
  const threads = kernels.threadsFor(Math.ceil(m / 4), m * n * k, MIN_MACS_PER_THREAD);
  const scratch = backend.makeOutput([threads * GEMM_SCRATCH], 'float32');
  const [aAt, bAt, cAt, sAt] = [a.tensor, b.tensor, out, scratch].map((t) => offsetOf(backend, t));
  const [aStart, bStart] = [aAt + 4 * (a.offset ?? 0), bAt + 4 * (b.offset ?? 0)];
  const rows = sliceStart(m, threads, 4);
  kernels.parallel('gemm', threads, (t) => [aStart, bStart, cAt, rows(t), rows(t + 1), m, n, k, a.transposed ? 1 : 0, b.transposed ? 1 : 0, sAt + 4 * t * GEMM_SCRATCH, bias ? offsetOf(backend, bias) : 0]);
  release(backend, scratch);
  return out;
}
