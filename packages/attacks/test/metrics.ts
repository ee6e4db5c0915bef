import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@cnn/backend';

/** Per-example ‖adv − x‖ (L∞ or L2), computed in float64 on the host. */
export async function perturbationNorms(adv: tf.Tensor4D, x: tf.Tensor4D, norm: 'linf' | 'l2'): Promise<number[]> {
  const [a, b] = await Promise.all([adv.data(), x.data()]);
  const n = x.shape[0];
  const per = a.length / n;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * per; j < (i + 1) * per; j++) {
      const d = a[j] - b[j];
      s = norm === 'linf' ? Math.max(s, Math.abs(d)) : s + d * d;
    }
    out.push(norm === 'linf' ? s : Math.sqrt(s));
  }
  return out;
}

/** Per-example cross-entropy of the classifier at x with respect to `classes`. */
export async function ceLoss(classifier: Classifier, x: tf.Tensor4D, classes: ArrayLike<number>): Promise<Float32Array> {
  const t = tf.tidy(() => {
    const z = classifier(x);
    const y = tf.oneHot(tf.tensor1d(Array.from(classes), 'int32'), z.shape[1]);
    return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)), 1));
  });
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

export async function predictions(classifier: Classifier, x: tf.Tensor4D): Promise<Int32Array> {
  const t = tf.tidy(() => tf.argMax(classifier(x), 1));
  const v = (await t.data()) as Int32Array;
  t.dispose();
  return v;
}

export async function minMax(x: tf.Tensor): Promise<[number, number]> {
  const m = tf.tidy(() => tf.stack([tf.min(x), tf.max(x)]));
  const v = await m.data();
  m.dispose();
  return [v[0], v[1]];
}

/** Rows of a flat NHWC buffer are bitwise equal. */
export function rowEqual(a: ArrayLike<number>, b: ArrayLike<number>, row: number, per: number): boolean {
  for (let j = row * per; j < (row + 1) * per; j++) if (!Object.is(a[j], b[j])) return false;
  return true;
}
