import * as tf from '@tensorflow/tfjs-core';
import { createModel } from './index.js';

/**
 * One seeded ResNet-20 training step (training-mode BatchNorm without running-stat updates, the
 * same batch every time), repeated: returns how many repeats gave a loss or gradient that differs
 * in any bit from the first. For the determinism tests and `scripts/determinism-soak.mjs`.
 */
export function repeatTrainingStep(repeats: number, batch = 16): { diverged: number; repeats: number } {
  const model = createModel('resnet20', { seed: 1 });
  const { x, y } = tf.tidy(() => ({
    x: tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D,
    y: tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10),
  }));
  const params = model.namedParameters().map(([, v]) => v);
  let reference: Float32Array[] | null = null;
  let diverged = 0;
  try {
    for (let i = 0; i < repeats; i++) {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true, updateRunningStats: false })), params);
      const values = [value, ...params.map((p) => grads[p.name])].map((t) => t.dataSync() as Float32Array);
      tf.dispose([value, ...Object.values(grads)]);
      if (reference == null) reference = values;
      else if (values.some((v, k) => v.some((q, j) => q !== reference![k][j]))) diverged++;
    }
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
  return { diverged, repeats: repeats - 1 };
}
