import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, zeroFilled } from '../kernel-call.js';
import type { ConvProblem } from './conv2d.js';
import { sliceStart, type SimdKernels } from './simd-kernels.js';
import { offsetOf } from './state.js';


/** Below this many multiply-adds per thread, waking a helper costs more than it saves. */
const MIN_MACS_PER_THREAD = 2_000_000;

/**
 * dW `[KH, KW, Ci, Co]` of NHWC float32 `x` and `dy` by csrc/filter-grad.c: each thread sums its
 * slice of the batch into its own dW (no packing, no transposes), then the slices are added.
 */
export function simdFilterGradient(kernels: SimdKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, p: ConvProblem): TensorInfo {
  const size = p.kh * p.kw * p.ci * p.co;
  const macs = p.n * p.oh * p.ow * size;
  const threads = kernels.threadsFor(p.n, macs, MIN_MACS_PER_THREAD);
  const out = zeroFilled(backend, [p.kh, p.kw, p.ci, p.co]);
  const partials = threads > 1 ? zeroFilled(backend, [threads - 1, size]) : null;
  const dims = [p.h, p.w, p.ci, p.oh, p.ow, p.co, p.kh, p.kw, p.sh, p.sw, p.top, p.left];
  const xAt = offsetOf(backend, x);
  const dyAt = offsetOf(backend, dy);
  const share = sliceStart(p.n, threads);
  kernels.parallel('filter_grad', threads, (t) => [
    xAt,
    dyAt,
    t === 0 ? offsetOf(backend, out) : offsetOf(backend, partials!) + 4 * (t - 1) * size,
    share(t),
    share(t + 1),
    ...dims,
  ]);
  if (partials) {
    const sum = backend.typedArrayFromHeap(out) as Float32Array;
    const parts = backend.typedArrayFromHeap(partials) as Float32Array;
    for (let t = 0; t < threads - 1; t++) for (let i = 0; i < size; i++) sum[i] += parts[t * size + i];
    release(backend, partials);
  }
  return out;
}
