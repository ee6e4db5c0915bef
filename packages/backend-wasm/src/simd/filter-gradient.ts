import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, zeroFilled } from '../kernel-call.js';
import { convGeometry, gemmFits, winogradFits, winogradSize, type ConvProblem, type WinogradSize } from './conv2d.js';
import { simdGemm } from './gemm.js';
import { patchesFilterGradient, patchesFit } from './im2col.js';
import { sliceStart, type SimdKernels } from './simd-kernels.js';
import { offsetOf } from './state.js';

/** Below this many multiply-adds per thread, waking a helper costs more than it saves. */
const MIN_MACS_PER_THREAD = 2_000_000;

/**
 * dW `[KH, KW, Ci, Co]` of NHWC float32 `x` and `dy`: for 1×1 stride 1 the product xᵀ · dy
 * (csrc/gemm.c); by Winograd F(4×4, 3×3) or F(2×2, 3×3) where the forward convolution would use it
 * (csrc/winograd4.c, csrc/winograd.c; threads split the input channels); as patches(x)ᵀ · dy
 * where that measured faster (below); else by csrc/filter-grad.c: each thread sums its slice of
 * the batch into its own dW (no packing, no transposes), then the slices are added.
 */
export function simdFilterGradient(kernels: SimdKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, p: ConvProblem): TensorInfo {
  // 1×1: dW = xᵀ · dy, one matrix product over all pixels.
  if (gemmFits(p)) return simdGemm(kernels, backend, { tensor: x, transposed: true }, { tensor: dy, transposed: false }, p.ci, p.co, p.n * p.h * p.w, [1, 1, p.ci, p.co]);
  if (winogradFits(p)) return winogradFilterGradient(kernels, backend, x, dy, p, winogradSize(p));
  // The rest as patches(x)ᵀ · dy where that measured faster: ≥ 128 output channels, or an image's
  // few input channels with ≥ 32 outputs (the direct kernel's 4-channel tile runs 3/4 empty).
  // Narrower layers stay direct: ResNet-20's 16→32 and 32→64 stride-2 layers 3.4 and 3.7 ms
  // direct against 7.2 and 5.2 ms as patches, its 3→16 stem 3.9 against 5.6 ms.
  if ((p.co >= 128 || (p.ci <= 4 && p.co >= 32)) && patchesFit(p)) return patchesFilterGradient(kernels, backend, x, dy, p);
  const size = p.kh * p.kw * p.ci * p.co;
  const macs = p.n * p.oh * p.ow * size;
  const threads = kernels.threadsFor(p.n, macs, MIN_MACS_PER_THREAD);
  const out = zeroFilled(backend, [p.kh, p.kw, p.ci, p.co]);
  const partials = threads > 1 ? zeroFilled(backend, [threads - 1, size]) : null;
  const xAt = offsetOf(backend, x);
  const dyAt = offsetOf(backend, dy);
  const share = sliceStart(p.n, threads);
  const geometry = convGeometry(p);
  kernels.parallel('filter_grad', threads, (t) => ({
    x: xAt,
    dy: dyAt,
    dw: t === 0 ? offsetOf(backend, out) : offsetOf(backend, partials!) + 4 * (t - 1) * size,
    n0: share(t),
    n1: share(t + 1),
    ...geometry,
  }));
  if (partials) {
    const sum = backend.typedArrayFromHeap(out) as Float32Array;
    const parts = backend.typedArrayFromHeap(partials) as Float32Array;
    for (let t = 0; t < threads - 1; t++) for (let i = 0; i < size; i++) sum[i] += parts[t * size + i];
    release(backend, partials);
  }
  return out;
}

function winogradFilterGradient(
  kernels: SimdKernels,
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  p: ConvProblem,
  { gradKernel, points, block }: WinogradSize,
): TensorInfo {
  const macs = p.n * p.oh * p.ow * 9 * p.ci * p.co;
  const threads = kernels.threadsFor(p.ci / 4, macs, MIN_MACS_PER_THREAD);
  const out = backend.makeOutput([3, 3, p.ci, p.co], 'float32');
  const m = backend.makeOutput([points * p.ci * p.co], 'float32');
  const c = sliceStart(p.ci, threads, 4);
  const scratchAt = (k: number) => points * block * (c(k) - c(0) + k * p.co);
  const scratch = backend.makeOutput([scratchAt(threads)], 'float32');
  const [xAt, dyAt, wAt, mAt, sAt] = [x, dy, out, m, scratch].map((t) => offsetOf(backend, t));
  kernels.parallel(gradKernel, threads, (k) => ({ x: xAt, dy: dyAt, dw: wAt, ci0: c(k), ci1: c(k + 1), N: p.n, H: p.h, W: p.w, Ci: p.ci, OH: p.oh, OW: p.ow, Co: p.co, top: p.top, left: p.left, m: mAt, scratch: sAt + 4 * scratchAt(k), block }));
  release(backend, m, scratch);
  return out;
}
