import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, simdKernelRuns } from '@cnn/backend-wasm';

/** What {@link batchNormTrain} returns. The caller owns (and disposes) all three tensors. */
export interface BatchNormTrainResult {
  /** `(x − mean) / √(variance + eps) · gamma + beta`, same shape as x; differentiable in x, gamma, beta. */
  y: tf.Tensor;
  /** Batch mean per channel `[C]` (over every axis but the last). Not differentiable (a statistic). */
  mean: tf.Tensor1D;
  /**
   * BIASED batch variance per channel `[C]` (divided by n = values per channel), the one used to
   * normalise. For PyTorch-style running statistics use the unbiased `variance · n / (n − 1)`.
   * Not differentiable (a statistic).
   */
  variance: tf.Tensor1D;
  /**
   * How it was computed: TensorFlow's fused kernels (tfjs-node), our wasm SIMD kernels, or the
   * composed custom-gradient op (elsewhere).
   */
  implementation: 'tensorflow-fused' | 'wasm-simd' | 'composed';
}

/**
 * Training-mode batch normalisation as ONE differentiable op with a hand-written gradient, instead
 * of the dozens of small ops (and their composed gradient) of `tf.moments` + arithmetic.
 *
 * Normalises over every axis but the last (channels-last: NHWC images, or `[N, C]` features):
 * `y = γ·x̂ + β`, `x̂ = (x − μ)/√(σ² + eps)` with the batch mean μ and the biased batch variance σ².
 * Gradient (n values per channel, sums over them):
 * `dx = γ/√(σ² + eps) · (dy − Σdy/n − x̂·Σ(dy·x̂)/n)`, `dγ = Σ dy·x̂`, `dβ = Σ dy`.
 *
 * On the `tensorflow` backend (tfjs-node) it runs TensorFlow's own `FusedBatchNormV3` and
 * `FusedBatchNormGradV3` kernels; on `wasm` our two SIMD kernels (two passes over the data each
 * way); elsewhere a few tfjs ops inside `tf.customGrad`.
 *
 * @param x float32, rank ≥ 2, channels last; needs more than one value per channel.
 * @param gamma scale `[C]`.
 * @param beta offset `[C]`.
 * @param eps added to the variance (same units as the variance of x); PyTorch's default 1e-5.
 * @returns new tensors `{ y, mean, variance }`; disposes its intermediates, not its inputs.
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): BatchNormTrainResult {
  const c = x.shape[x.rank - 1];
  if (x.rank < 2) throw new Error(`batchNormTrain: x must have rank ≥ 2 (channels last), got shape [${x.shape}]`);
  if (x.dtype !== 'float32') throw new Error(`batchNormTrain: x must be float32, got ${x.dtype}`);
  for (const [name, t] of [
    ['gamma', gamma],
    ['beta', beta],
  ] as const) {
    if (t.rank !== 1 || t.shape[0] !== c) {
      throw new Error(`batchNormTrain: ${name} must have shape [${c}] (x's channels), got [${t.shape}]`);
    }
  }
  if (!(eps > 0) || !Number.isFinite(eps)) throw new Error(`batchNormTrain: eps must be a finite number > 0, got ${eps}`);
  const n = x.size / c;
  if (n < 2) {
    throw new Error(`batchNormTrain: needs more than 1 value per channel in training mode, got x of shape [${x.shape}]`);
  }
  if (tf.getBackend() === 'tensorflow' && hasTensorflowBinding()) return fusedTensorflow(x, gamma, beta, eps, n);
  if (simdKernelRuns(BATCH_NORM_TRAIN)) return wasmSimd(x, gamma, beta, eps);
  return composed(x, gamma, beta, eps, n);
}

/** Statistics computed in the forward pass of the custom op, handed out after it returns. */
interface Stash {
  mean?: tf.Tensor;
  variance?: tf.Tensor;
}

/** Moves the stashed statistics into the caller's scope (kept tensors would escape tf.tidy). */
function takeStats(stash: Stash): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const mean = tf.clone(stash.mean!) as tf.Tensor1D;
  const variance = tf.clone(stash.variance!) as tf.Tensor1D;
  tf.dispose([stash.mean!, stash.variance!]);
  return { mean, variance };
}

/**
 * Per-channel arithmetic on channels-last tensors. The plain versions broadcast `[C]` against the
 * tensor; on wasm broadcasting binary ops take a slow generic path (≈ 30× slower than same-shape
 * ones), so there a per-channel multiply-add is a 1×1 depthwise convolution with bias and a sum
 * over all but the channel axis is a matrix product with a vector of ones (both XNNPACK).
 */
interface ChannelOps {
  /** Σ over every axis but the last, times `factor`: `[C]`. */
  sum(x: tf.Tensor, factor?: number): tf.Tensor1D;
  /** `x · scale + shift` per channel (`shift` optional), same shape as x. */
  scaleShift(x: tf.Tensor, scale: tf.Tensor, shift?: tf.Tensor): tf.Tensor;
}

function channelOps(backend: string, c: number, n: number): ChannelOps {
  if (backend !== 'wasm') {
    const axes = (x: tf.Tensor) => Array.from({ length: x.rank - 1 }, (_, i) => i);
    return {
      sum: (x, factor = 1) => (factor === 1 ? tf.sum(x, axes(x)) : tf.mul(tf.sum(x, axes(x)), factor)) as tf.Tensor1D,
      scaleShift: (x, scale, shift) => (shift ? tf.add(tf.mul(x, scale), shift) : tf.mul(x, scale)),
    };
  }
  return {
    // Xᵀ·(factor·1): measured fastest on wasm (ones·X re-packs X as XNNPACK weights every call).
    sum: (x, factor = 1) => tf.reshape(tf.matMul(tf.reshape(x, [n, c]), tf.fill([n, 1], factor), true, false), [c]) as tf.Tensor1D,
    scaleShift: (x, scale, shift) => {
      // The kernel itself, not tf.fused.depthwiseConv2d: that op wraps the kernel in its own
      // customGrad, which copies its input and output for a backward pass we never run.
      const y = tf.engine().runKernel(
        'FusedDepthwiseConv2D',
        shift
          ? { x: tf.reshape(x, [1, n, 1, c]), filter: tf.reshape(scale, [1, 1, c, 1]), bias: tf.reshape(shift, [c]) }
          : { x: tf.reshape(x, [1, n, 1, c]), filter: tf.reshape(scale, [1, 1, c, 1]) },
        { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC', activation: 'linear', leakyreluAlpha: 0 },
      ) as tf.Tensor;
      return tf.reshape(y, x.shape);
    },
  };
}

function composed(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, n: number): BatchNormTrainResult {
  const c = x.shape[x.rank - 1];
  const ops = channelOps(tf.getBackend(), c, n);
  const stash: Stash = {};
  // customGrad's typing passes inputs and the save function as one rest array.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const mean = ops.sum(xIn, 1 / n);
    const centred = ops.scaleShift(xIn, tf.onesLike(mean), tf.neg(mean));
    const variance = ops.sum(tf.mul(centred, centred), 1 / n); // two-pass: no cancellation
    const invstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = ops.scaleShift(centred, invstd);
    const value = ops.scaleShift(xhat, g, b);
    save([xhat, g, invstd]);
    stash.mean = tf.keep(mean);
    stash.variance = tf.keep(variance);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, gs, inv] = saved;
        const dBeta = ops.sum(dy);
        const dGamma = ops.sum(tf.mul(dy, xh));
        // dx = k·(dy − dβ/n − x̂·dγ/n), k = γ·invstd: dy·k + (x̂·c1 + c2) with per-channel c's.
        const k = tf.mul(gs, inv);
        const c1 = tf.mul(k, tf.div(dGamma, -n));
        const c2 = tf.mul(k, tf.div(dBeta, -n));
        const dx = tf.add(ops.scaleShift(dy, k), ops.scaleShift(xh, c1, c2));
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta);
  return { y, ...takeStats(stash), implementation: 'composed' };
}

function wasmSimd(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainResult {
  const stash: Stash = {};
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance, invstd] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: xIn, gamma: g, beta: b }, { eps }) as tf.Tensor[];
    save([xIn, g, mean, invstd]);
    stash.mean = tf.keep(mean);
    stash.variance = tf.keep(variance);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, ms, is] = saved;
        return tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, x: xs, gamma: gs, mean: ms, invstd: is }, {}) as tf.Tensor[];
      },
    };
  });
  const y = op(x, gamma, beta);
  return { y, ...takeStats(stash), implementation: 'wasm-simd' };
}

/** The parts of tfjs-node's backend we use (not in its public types). */
interface NodeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_FLOAT: number };
  executeMultipleOutputs(name: string, attrs: object[], inputs: tf.TensorInfo[], numOutputs: number): tf.Tensor[];
}

function hasTensorflowBinding(): boolean {
  const b = tf.backend() as unknown as Partial<NodeBackend>;
  return typeof b.executeMultipleOutputs === 'function' && b.binding != null;
}

function fusedTensorflow(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, n: number): BatchNormTrainResult {
  const backend = tf.backend() as unknown as NodeBackend;
  const { binding } = backend;
  const c = x.shape[x.rank - 1];
  const typeAttrs = [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'U', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: eps },
    { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: binding.TF_ATTR_BOOL, value: true },
  ];
  const stash: Stash = {};
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    // TF's fused op wants NHWC rank 4: any channels-last tensor is [rest, 1, 1, C] for it.
    const x4 = xIn.rank === 4 ? xIn : tf.reshape(xIn, [n, 1, 1, c]);
    const empty = tf.tensor1d([], 'float32'); // no running statistics: pure batch statistics
    const [y4, batchMean, batchVar, r1, r2, r3] = backend.executeMultipleOutputs(
      'FusedBatchNormV3',
      [...typeAttrs, { name: 'exponential_avg_factor', type: binding.TF_ATTR_FLOAT, value: 1 }],
      [x4, g, b, empty, empty],
      6,
    );
    save([x4, g, r1, r2, r3]);
    stash.mean = tf.keep(batchMean);
    // TF reports the unbiased variance; we report the biased one used for normalising.
    stash.variance = tf.keep(tf.mul(batchVar, (n - 1) / n));
    return {
      value: xIn.rank === 4 ? y4 : tf.reshape(y4, xIn.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, s1, s2, s3] = saved;
        const dy4 = dy.rank === 4 ? dy : tf.reshape(dy, [n, 1, 1, c]);
        const [dx4, dGamma, dBeta, ...rest] = backend.executeMultipleOutputs('FusedBatchNormGradV3', typeAttrs, [dy4, xs, gs, s1, s2, s3], 5);
        tf.dispose(rest);
        return [dy.rank === 4 ? dx4 : tf.reshape(dx4, dy.shape), dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta);
  return { y, ...takeStats(stash), implementation: 'tensorflow-fused' };
}
