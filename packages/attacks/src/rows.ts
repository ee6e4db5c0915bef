import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';

/** Rows `idx` of `t` (no copy when idx is every row in order: then `t` itself is returned). */
export function takeRows<T extends Tensor>(t: T, idx: Int32Array): T {
  if (idx.length === t.shape[0] && idx.every((v, i) => v === i)) return t;
  return tf.tidy(() => tf.gather(t, tf.tensor1d(idx, 'int32')) as T);
}

/**
 * A copy of `full` whose rows `idx[j]` are replaced by `sub[j]` where `replace[j]` (a scatter made
 * of one concat and one gather, so it runs on every backend).
 */
export function replaceRows(full: Tensor4D, idx: Int32Array, sub: Tensor4D, replace?: ArrayLike<boolean>): Tensor4D {
  return tf.tidy(() => {
    const n = full.shape[0];
    const map = new Int32Array(n);
    for (let i = 0; i < n; i++) map[i] = i;
    for (let j = 0; j < idx.length; j++) if (!replace || replace[j]) map[idx[j]] = n + j;
    return tf.gather(tf.concat([full, sub], 0), tf.tensor1d(map, 'int32')) as Tensor4D;
  });
}

export function range(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}
