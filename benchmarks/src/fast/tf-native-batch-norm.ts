/**
 * Training-mode BatchNorm on the `tensorflow` backend (tfjs-node) as TensorFlow's own fused kernels:
 * `FusedBatchNormV3` forward and `FusedBatchNormGradV3` backward, called through tfjs-node's binding
 * and tied together with `tf.customGrad`. Two kernel launches per layer instead of dozens.
 *
 * Destined for @cnn/backend (a tensorflow-only accelerator the models can ask for): kept in its own
 * file so the owner can lift it. Same contract as ./batch-norm.ts (NHWC, ε added to the variance,
 * batch mean and biased variance returned `tf.keep`-ed for the caller to dispose).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchNormResult } from './batch-norm.js';

/** The parts of tfjs-node's NodeJSKernelBackend used here (not in its public typings). */
interface TfNodeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_FLOAT: number };
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: tf.Tensor[], numOutputs: number): tf.Tensor[];
}

function tfNodeBackend(): TfNodeBackend {
  const b = tf.backend() as unknown as Partial<TfNodeBackend>;
  if (tf.getBackend() !== 'tensorflow' || typeof b.executeMultipleOutputs !== 'function' || b.binding == null) {
    throw new Error(`batchNormTfNative needs the 'tensorflow' backend (tfjs-node); the active backend is '${tf.getBackend()}'`);
  }
  return b as TfNodeBackend;
}

/** True when {@link batchNormTfNative} can run on the active backend. */
export function tfNativeBatchNormAvailable(): boolean {
  try {
    tfNodeBackend();
    return true;
  } catch {
    return false;
  }
}

function attrs(be: TfNodeBackend, eps: number): unknown[] {
  const b = be.binding;
  return [
    { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: 'U', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: 'epsilon', type: b.TF_ATTR_FLOAT, value: eps },
    { name: 'data_format', type: b.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: b.TF_ATTR_BOOL, value: true },
  ];
}

export function batchNormTfNative(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): BatchNormResult {
  const be = tfNodeBackend();
  if (x.rank !== 4 || x.dtype !== 'float32') throw new Error(`batchNormTfNative: x must be float32 NHWC rank 4, got ${x.dtype} [${x.shape}]`);
  const c = x.shape[3];
  if (gamma.size !== c || beta.size !== c) {
    throw new Error(`batchNormTfNative: gamma/beta must have ${c} elements (x channels), got ${gamma.size}/${beta.size}`);
  }
  const n = x.size / c;
  let mean!: tf.Tensor1D;
  let variance!: tf.Tensor1D;
  const f = tf.customGrad((xIn, gIn, bIn, save) => {
    const empty = tf.tensor1d([], 'float32');
    // Outputs: y, batch mean, batch variance (Bessel-corrected), reserve 1..3 (mean, inv-std, workspace).
    const [y, bMean, bVarUnbiased, r1, r2, r3] = be.executeMultipleOutputs(
      'FusedBatchNormV3',
      attrs(be, eps),
      [xIn as tf.Tensor, gIn as tf.Tensor, bIn as tf.Tensor, empty, empty],
      6,
    );
    mean = tf.keep(bMean as tf.Tensor1D);
    // Back to the biased variance, like batchNormMoments (the caller applies its own correction).
    variance = tf.keep(n > 1 ? (tf.mul(bVarUnbiased, (n - 1) / n) as tf.Tensor1D) : (bVarUnbiased as tf.Tensor1D));
    (save as tf.GradSaveFunc)([xIn as tf.Tensor, gIn as tf.Tensor, r1, r2, r3]);
    return {
      value: y as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, gs, s1, s2, s3] = saved;
        const [dx, dGamma, dBeta] = be.executeMultipleOutputs('FusedBatchNormGradV3', attrs(be, eps), [dy, xs, gs, s1, s2, s3], 5);
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = f(x, gamma, beta) as tf.Tensor4D;
  return { y, mean, variance };
}
