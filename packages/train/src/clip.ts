import * as tf from '@tensorflow/tfjs-core';

/**
 * Global ℓ2 norm of all gradients, and — when `maxNorm` is given and exceeded — the gradients
 * scaled by `maxNorm / (norm + 1e-6)` (as `torch.nn.utils.clip_grad_norm_`). Returns new tensors
 * when clipping (the inputs are then disposed), else the same object. The norm is read back (one
 * sync).
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm?: number): { grads: Record<string, tf.Tensor>; norm: number } {
  const names = Object.keys(grads);
  const normT = tf.tidy(() => {
    if (names.length === 0) return tf.scalar(0);
    const squares = names.map((n) => tf.sum(tf.square(grads[n])));
    return tf.sqrt(tf.addN(squares));
  });
  const norm = normT.dataSync()[0];
  normT.dispose();
  if (maxNorm === undefined || !(norm > maxNorm) || !Number.isFinite(norm)) return { grads, norm };
  if (!(maxNorm > 0)) throw new RangeError(`gradClipNorm must be > 0, got ${maxNorm}`);
  const scale = maxNorm / (norm + 1e-6);
  const out: Record<string, tf.Tensor> = {};
  for (const n of names) {
    out[n] = tf.mul(grads[n], scale);
    grads[n].dispose();
  }
  return { grads: out, norm };
}
