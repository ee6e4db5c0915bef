/**
 * Training-mode BatchNorm on wasm as two kernels (csrc/batch-norm.c) instead of a dozen tfjs ops
 * per direction: `batchNormTrain` calls them inside its custom gradient when they run.
 *
 * Forward: per-channel shifted sums in one pass (the first row is the shift: no cancellation),
 * then `y = x·a + b` with `a = γ/√(σ² + eps)`, `b = β − μ·a`. Backward: Σdy and Σdy·x̂ in one pass,
 * then `dx = dy·k + x·b' + d'` (the closed form of `batchNormTrain`, folded per channel).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, zeroFilled } from '../kernel-call.js';
import { sliceStart, type SimdKernels } from './simd-kernels.js';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from './names.js';
import { kernelsFor, offsetOf } from './state.js';

/** Below this many values per thread, waking a helper costs more than it saves. */
const MIN_VALUES_PER_THREAD = 1 << 16;

function kernels(backend: BackendWasm, name: string): SimdKernels {
  const k = kernelsFor(backend);
  if (k == null) throw new Error(`@cnn/backend: ${name} needs the wasm SIMD kernels, which are not running`);
  return k;
}

/** Splits `rows` into `threads` ranges. */
function rowSplit(k: SimdKernels, rows: number, c: number): { threads: number; r: (t: number) => number } {
  const threads = k.threadsFor(rows, rows * c, MIN_VALUES_PER_THREAD);
  return { threads, r: sliceStart(rows, threads) };
}

/** Per-channel sums of `threads` float64 partials `[threads, 2, C]` → `[2, C]`. */
function addPartials(backend: BackendWasm, partials: TensorInfo, threads: number, c: number): Float64Array {
  const all = new Float64Array((backend.typedArrayFromHeap(partials) as Float32Array).buffer, offsetOf(backend, partials), threads * 2 * c);
  const sum = new Float64Array(2 * c);
  for (let t = 0; t < threads; t++) for (let i = 0; i < 2 * c; i++) sum[i] += all[t * 2 * c + i];
  return sum;
}

/** A float32 tensor with these values, for the kernels to read. */
function constant(backend: BackendWasm, values: Float32Array): TensorInfo {
  return backend.makeOutput([values.length], 'float32', undefined, values);
}

function batchNormTrain(args: { inputs: { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo }; backend: BackendWasm; attrs: { eps: number } }): TensorInfo[] {
  const { backend } = args;
  const { x, gamma, beta } = args.inputs;
  const k = kernels(backend, BATCH_NORM_TRAIN);
  const c = x.shape[x.shape.length - 1];
  const rows = x.shape.reduce((a, b) => a * b, 1) / c;
  const { threads, r } = rowSplit(k, rows, c);
  const heap = (info: TensorInfo) => backend.typedArrayFromHeap(info) as Float32Array;
  // Shift = the first row: each channel's sums are then of values near its mean.
  const shiftValues = heap(x).slice(0, c);
  const shift = constant(backend, shiftValues);
  const partials = zeroFilled(backend, [threads * 4 * c]); // float64 [threads, 2, C]
  const xAt = offsetOf(backend, x);
  k.parallel('bn_moments', threads, (t) => ({ x: xAt, C: c, r0: r(t), r1: r(t + 1), shift: offsetOf(backend, shift), out: offsetOf(backend, partials) + 16 * c * t }));
  const sums = addPartials(backend, partials, threads, c);
  const gammaValues = heap(gamma).slice();
  const betaValues = heap(beta).slice();
  const mean = new Float32Array(c);
  const variance = new Float32Array(c);
  const invstd = new Float32Array(c);
  const scale = new Float32Array(c);
  const offset = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    const m1 = sums[i] / rows;
    const v = Math.max(0, sums[c + i] / rows - m1 * m1);
    mean[i] = shiftValues[i] + m1;
    variance[i] = v;
    invstd[i] = 1 / Math.sqrt(v + args.attrs.eps);
    scale[i] = gammaValues[i] * invstd[i];
    offset[i] = betaValues[i] - mean[i] * scale[i];
  }
  const a = constant(backend, scale);
  const b = constant(backend, offset);
  const y = backend.makeOutput(x.shape, 'float32');
  k.parallel('channel_affine', threads, (t) => ({ x: xAt, y: offsetOf(backend, y), C: c, r0: r(t), r1: r(t + 1), a: offsetOf(backend, a), b: offsetOf(backend, b) }));
  release(backend, shift, partials, a, b);
  return [y, constant(backend, mean), constant(backend, variance), constant(backend, invstd)];
}

function batchNormTrainGrad(args: {
  inputs: { dy: TensorInfo; x: TensorInfo; gamma: TensorInfo; mean: TensorInfo; invstd: TensorInfo };
  backend: BackendWasm;
}): TensorInfo[] {
  const { backend } = args;
  const { dy, x, gamma, mean, invstd } = args.inputs;
  const k = kernels(backend, BATCH_NORM_TRAIN_GRAD);
  const c = x.shape[x.shape.length - 1];
  const rows = x.shape.reduce((p, q) => p * q, 1) / c;
  const { threads, r } = rowSplit(k, rows, c);
  const heap = (info: TensorInfo) => backend.typedArrayFromHeap(info) as Float32Array;
  const partials = zeroFilled(backend, [threads * 4 * c]); // float64 [threads, 2, C]
  const [dyAt, xAt] = [offsetOf(backend, dy), offsetOf(backend, x)];
  k.parallel('bn_grad_sums', threads, (t) => ({ dy: dyAt, x: xAt, C: c, r0: r(t), r1: r(t + 1), mean: offsetOf(backend, mean), invstd: offsetOf(backend, invstd), out: offsetOf(backend, partials) + 16 * c * t }));
  const sums = addPartials(backend, partials, threads, c);
  const [g, m, is] = [heap(gamma).slice(), heap(mean).slice(), heap(invstd).slice()];
  const dBeta = new Float32Array(c);
  const dGamma = new Float32Array(c);
  const fa = new Float32Array(c);
  const fb = new Float32Array(c);
  const fd = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    dBeta[i] = sums[i];
    dGamma[i] = sums[c + i];
    // dx = k·(dy − Σdy/n − x̂·Σ(dy·x̂)/n), x̂ = (x − μ)·invstd, k = γ·invstd.
    const kk = g[i] * is[i];
    const c1 = (-kk * sums[c + i]) / rows;
    const c2 = (-kk * sums[i]) / rows;
    fa[i] = kk;
    fb[i] = c1 * is[i];
    fd[i] = c2 - c1 * is[i] * m[i];
  }
  const [ta, tb, td] = [constant(backend, fa), constant(backend, fb), constant(backend, fd)];
  const dx = backend.makeOutput(x.shape, 'float32');
  k.parallel('channel_affine2', threads, (t) => ({ dy: dyAt, x: xAt, dx: offsetOf(backend, dx), C: c, r0: r(t), r1: r(t + 1), a: offsetOf(backend, ta), b: offsetOf(backend, tb), d: offsetOf(backend, td) }));
  release(backend, partials, ta, tb, td);
  return [dx, constant(backend, dGamma), constant(backend, dBeta)];
}

export const batchNormTrainConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAIN,
  backendName: 'wasm',
  kernelFunc: batchNormTrain as unknown as KernelFunc,
};

export const batchNormTrainGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_GRAD,
  backendName: 'wasm',
  kernelFunc: batchNormTrainGrad as unknown as KernelFunc,
};
