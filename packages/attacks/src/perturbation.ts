import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng } from '@cnn/core';

/** Per-example L2 norm, shaped `[batch, 1, 1, 1]` to broadcast over NHWC. */
export function l2Norm(t: Tensor4D): Tensor4D {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(t), [1, 2, 3], true)) as Tensor4D);
}

/** L∞ projection as torchattacks: δ = clip(x' − x, −ε, ε), then clip x + δ to bounds. */
export function projectLinf(x: Tensor4D, xAdv: Tensor4D, eps: number, low: number, high: number): Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.add(x, tf.clipByValue(tf.sub(xAdv, x), -eps, eps)), low, high) as Tensor4D);
}

/**
 * L2 projection as torchattacks' PGDL2: δ = x' − x, δ ·= min(1, ε/‖δ‖₂) per example (no epsilon
 * in that division; a zero δ stays zero), then clip x + δ to bounds.
 */
export function projectL2(x: Tensor4D, xAdv: Tensor4D, eps: number, low: number, high: number): Tensor4D {
  return tf.tidy(() => {
    const delta = tf.sub(xAdv, x);
    const norm = l2Norm(delta as Tensor4D);
    const ratio = tf.minimum(tf.div(eps, norm), 1);
    // ε/0 is ∞ (min → 1) but 0/0 is NaN: a zero δ must stay zero.
    const factor = tf.where(tf.equal(norm, 0), tf.onesLike(norm), ratio);
    return tf.clipByValue(tf.add(x, tf.mul(delta, factor)), low, high) as Tensor4D;
  });
}

/** Gradient normalised per example as torchattacks' PGDL2: g / (‖g‖₂ + 1e-10). */
export function normalizeL2(g: Tensor4D, tiny = 1e-10): Tensor4D {
  return tf.tidy(() => tf.div(g, tf.add(l2Norm(g), tiny)) as Tensor4D);
}

function elementsPerExample(shape: readonly number[]): number {
  return shape[1] * shape[2] * shape[3];
}

/**
 * Uniform random start in the L∞ ball: δ ~ U[−ε, ε) per element, drawn from `rng` in NHWC order
 * on the host (identical on every backend).
 */
export function uniformLinfDelta(shape: readonly number[], eps: number, rng: Rng): Tensor4D {
  const n = shape[0] * elementsPerExample(shape);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.uniformRange(-eps, eps);
  return tf.tensor4d(v, shape as [number, number, number, number]);
}

/**
 * Random start in the L2 ball as torchattacks' PGDL2: δ ~ N(0, I), then scaled per example by
 * r/‖δ‖₂·ε with r ~ U[0, 1). All normals are drawn first (NHWC order), then one r per example.
 */
export function uniformL2Delta(shape: readonly number[], eps: number, rng: Rng): Tensor4D {
  const per = elementsPerExample(shape);
  const v = new Float64Array(shape[0] * per);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  const out = new Float32Array(v.length);
  for (let b = 0; b < shape[0]; b++) {
    let s = 0;
    for (let j = 0; j < per; j++) s += v[b * per + j] ** 2;
    const r = rng.uniform();
    const scale = (r / Math.sqrt(s)) * eps;
    for (let j = 0; j < per; j++) out[b * per + j] = v[b * per + j] * scale;
  }
  return tf.tensor4d(out, shape as [number, number, number, number]);
}

/** Boolean per example → a float mask shaped `[batch, 1, 1, 1]` for tf.where over NHWC. */
export function rowMask(flags: ArrayLike<boolean>, batch: number): Tensor {
  const m = new Uint8Array(batch);
  for (let i = 0; i < batch; i++) m[i] = flags[i] ? 1 : 0;
  return tf.tensor4d(m, [batch, 1, 1, 1], 'bool');
}

/** `where(mask, a, b)` with a per-example mask broadcast over the image. */
export function selectRows(flags: ArrayLike<boolean>, a: Tensor4D, b: Tensor4D): Tensor4D {
  return tf.tidy(() => {
    const m = tf.broadcastTo(rowMask(flags, a.shape[0]), a.shape);
    return tf.where(m, a, b) as Tensor4D;
  });
}
