import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release } from '../kernel-call.js';
import { kernelSwitches } from './switches.js';
import type { ConvProblem } from './conv2d.js';
import { gemmInto } from './gemm.js';
import { sliceStart, type SimdKernels } from './simd-kernels.js';
import { offsetOf } from './state.js';

/** Floats of patch rows held at once (16 MiB): the rows of one product. */
export const patchBudget = { floats: 1 << 22 };
/** Pixels per thread below which one thread copies the patches. */
const MIN_PIXELS_PER_THREAD = 256;

/**
 * Whether a convolution that neither Winograd nor the plain 1×1 product takes can run as patches
 * (im2col) times the filter, one packed product (csrc/gemm.c): output channels in whole 8-wide
 * panels. Callers choose it where it measured faster — filters too large for the direct kernel
 * (which then went to XNNPACK: ResNet-50's strided 1×1 1024→2048 31.8 → 20.8 ms, 3×3 512 stride 2
 * 32.0 → 20.9 ms) and filter gradients with ≥ 128 output channels or ≤ 4 input channels (1×1
 * 512→1024 stride 2 45.1 → 19.9 ms, the 7×7 stem 70.7 → 58.6 ms).
 */
export function patchesFit(p: ConvProblem): boolean {
  return p.co % 8 === 0 && kernelSwitches.current.im2col;
}

/** Copies the patches of output pixels [q0, q1) into `cols` and calls `each`, chunk by chunk. */
function chunks(kernels: SimdKernels, backend: BackendWasm, p: ConvProblem, xAt: number, each: (q0: number, q1: number, cols: TensorInfo) => void): void {
  const k = p.kh * p.kw * p.ci;
  const pixels = p.n * p.oh * p.ow;
  const perChunk = Math.max(1, Math.floor(patchBudget.floats / k));
  const cols = backend.makeOutput([Math.min(perChunk, pixels) * k], 'float32');
  const colsAt = offsetOf(backend, cols);
  for (let q0 = 0; q0 < pixels; q0 += perChunk) {
    const q1 = Math.min(q0 + perChunk, pixels);
    const threads = kernels.threadsFor(Math.ceil((q1 - q0) / MIN_PIXELS_PER_THREAD), (q1 - q0) * k, 1);
    const r = sliceStart(q1 - q0, threads);
    kernels.parallel('im2col', threads, (t) => ({ x: xAt, cols: colsAt, q0, p0: q0 + r(t), p1: q0 + r(t + 1), H: p.h, W: p.w, Ci: p.ci, OH: p.oh, OW: p.ow, KH: p.kh, KW: p.kw, sh: p.sh, sw: p.sw, top: p.top, left: p.left }));
    each(q0, q1, cols);
  }
  release(backend, cols);
}

/** y = patches(x) · W (+ bias) — W `[KH, KW, Ci, Co]` is already the `[KH·KW·Ci, Co]` matrix. */
export function patchesConv2d(kernels: SimdKernels, backend: BackendWasm, x: TensorInfo, filter: TensorInfo, p: ConvProblem, bias: TensorInfo | null): TensorInfo {
  const out = backend.makeOutput([p.n, p.oh, p.ow, p.co], 'float32');
  const k = p.kh * p.kw * p.ci;
  const [xAt, wAt, yAt] = [x, filter, out].map((t) => offsetOf(backend, t));
  const biasAt = bias ? offsetOf(backend, bias) : 0;
  chunks(kernels, backend, p, xAt, (q0, q1, cols) =>
    gemmInto(kernels, backend, { a: offsetOf(backend, cols), transA: false, b: wAt, transB: false, c: yAt + 4 * q0 * p.co, bias: biasAt }, q1 - q0, p.co, k),
  );
  return out;
}

/** dW = patches(x)ᵀ · dy, summed over the chunks of patch rows. */
export function patchesFilterGradient(kernels: SimdKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, p: ConvProblem): TensorInfo {
  const out = backend.makeOutput([p.kh, p.kw, p.ci, p.co], 'float32');
  const k = p.kh * p.kw * p.ci;
  const [xAt, dyAt, wAt] = [x, dy, out].map((t) => offsetOf(backend, t));
  chunks(kernels, backend, p, xAt, (q0, q1, cols) =>
    gemmInto(kernels, backend, { a: offsetOf(backend, cols), transA: true, b: dyAt + 4 * q0 * p.co, transB: false, c: wAt, accumulate: q0 > 0 }, k, p.co, q1 - q0),
  );
  return out;
}
