import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '@cnn/backend';
import { initBackend } from '@cnn/backend';
import { describe, expect, it } from 'vitest';
import { createModel } from './index.js';
import { crossEntropy, probeBackends, TINY } from './test-utils.js';

/*
 * A few SGD steps (tf.variableGrads + plain SGD) on a fixed batch make the loss drop, for a tiny
 * model of every family, on every backend that starts here (wasm needs the Conv2DBackpropFilter
 * kernel that @cnn/backend registers).
 */

const backends: BackendName[] = ['cpu', 'tensorflow', 'wasm'];
const available = await probeBackends(backends);

for (const backend of backends) {
  describe.skipIf(available.get(backend) !== null)(`training steps on ${backend}`, () => {
    it.each(TINY)('%s: loss decreases on a fixed batch, no leaks', async (name, options) => {
      await initBackend(backend);
      // Without dropout: its fresh masks every step would make "the loss drops" a matter of luck.
      const model = createModel(name, { ...options, dropout: undefined, seed: 1 });
      const x = tf.randomUniform([6, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
      const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
      const params = model.namedParameters();
      const lr = 0.2;
      const losses: number[] = [];
      let baseline = 0;
      for (let step = 0; step < 8; step++) {
        if (step === 1) baseline = tf.memory().numTensors;
        const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(x, { training: true }), labels));
        losses.push(value.dataSync()[0]);
        tf.tidy(() => {
          for (const [, v] of params) v.assign(tf.sub(v, tf.mul(grads[v.name], lr)));
        });
        tf.dispose([value, ...Object.values(grads)]);
        if (step > 0) expect(tf.memory().numTensors).toBe(baseline);
      }
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)!, `losses ${losses.map((l) => l.toFixed(4)).join(' ')}`).toBeLessThan(losses[0] * 0.8);
      expect(model.namedBuffers().find(([n]) => n.endsWith('num_batches_tracked'))![1].dataSync()[0]).toBe(8);
      tf.dispose([x, labels]);
      model.dispose();
    });
  });
}
