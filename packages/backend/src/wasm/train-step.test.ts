import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';
import { createRng } from '@cnn/core';
import { maxRelErr } from '@cnn/core/testing';

/**
 * A small ResNet-like network touching every op a training step of the project's model families
 * uses: explicit symmetric padding + stride-1/2 convs, a padded 3×3/2 max-pool stem, BatchNorm
 * from tf.moments, ReLU, a squeeze-excitation gate (mean over HW, sigmoid), an option-A shortcut
 * (stride-2 subsample + channel zero-padding), a 1×1 projection, dropout, global average pool,
 * a dense layer and softmax cross-entropy.
 */
const shapes: Record<string, number[]> = {
  stem: [3, 3, 3, 8],
  c1: [3, 3, 8, 8],
  g1: [8],
  b1: [8],
  c2: [3, 3, 8, 16],
  g2: [16],
  b2: [16],
  proj: [1, 1, 8, 16],
  se1: [16, 4],
  se2: [4, 16],
  fc: [16, 5],
  fcb: [5],
};

function batchNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
}

function loss(p: Record<string, tf.Variable>, x: tf.Tensor4D, labels: tf.Tensor1D): tf.Scalar {
  const sym = (t: tf.Tensor4D) => tf.pad(t, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  let h = tf.relu(tf.conv2d(sym(x), p.stem as tf.Tensor4D, 1, 'valid'));
  h = tf.maxPool(h, 3, 2, 'same'); // 9 → 5
  const c1 = tf.relu(batchNorm(tf.conv2d(sym(h), p.c1 as tf.Tensor4D, 1, 'valid'), p.g1, p.b1));
  let c2 = batchNorm(tf.conv2d(sym(c1), p.c2 as tf.Tensor4D, 2, 'valid'), p.g2, p.b2); // 5 → 3
  // squeeze-excitation
  const squeezed = tf.reshape(tf.mean(c2, [1, 2]), [-1, 16]) as tf.Tensor2D;
  const gate = tf.sigmoid(tf.matMul(tf.relu(tf.matMul(squeezed, p.se1 as tf.Tensor2D)), p.se2 as tf.Tensor2D));
  c2 = tf.mul(c2, tf.reshape(gate, [-1, 1, 1, 16]));
  // option-A shortcut (subsample + zero channels) and a projection shortcut, both stride 2
  const optionA = tf.pad(tf.avgPool(h, 1, 2, 'same'), [[0, 0], [0, 0], [0, 0], [4, 4]]);
  const projection = tf.conv2d(h, p.proj as tf.Tensor4D, 2, 'same');
  let out = tf.relu(tf.addN([c2, optionA, projection]));
  out = tf.dropout(out, 0.25, undefined, 7) as tf.Tensor4D;
  const features = tf.mean(out, [1, 2]) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(features, p.fc as tf.Tensor2D), p.fcb);
  const target = tf.oneHot(labels, 5);
  return tf.mean(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

function initialValues(): Record<string, Float32Array> {
  const rng = createRng(2024);
  return Object.fromEntries(
    Object.entries(shapes).map(([k, s]) => {
      const size = s.reduce((a, b) => a * b, 1);
      const isGamma = k.startsWith('g');
      return [k, Float32Array.from({ length: size }, () => (isGamma ? 1 + 0.1 * rng.normal() : 0.3 * rng.normal()))];
    }),
  );
}

/** Three SGD steps on `backend`; returns each step's loss and gradients and the final parameters. */
async function train(backend: 'cpu' | 'wasm' | 'tensorflow') {
  await initBackend(backend);
  const init = initialValues();
  const rng = createRng(5);
  const images = tf.tensor4d(Float32Array.from({ length: 3 * 9 * 9 * 3 }, () => rng.uniform()), [3, 9, 9, 3]);
  const labels = tf.tensor1d([0, 3, 4], 'int32');
  const params = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, tf.variable(tf.tensor(v, shapes[k]), true, `${backend}-${k}`)]));
  const steps: { loss: number; grads: Record<string, Float32Array> }[] = [];
  const counts: number[] = [];
  const start = tf.memory().numTensors;
  for (let step = 0; step < 3; step++) {
    const { value, grads } = tf.variableGrads(() => loss(params, images, labels));
    steps.push({
      loss: value.dataSync()[0],
      grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k.slice(backend.length + 1), g.dataSync() as Float32Array])),
    });
    tf.tidy(() => {
      for (const [k, g] of Object.entries(grads)) {
        const v = params[k.slice(backend.length + 1)];
        v.assign(tf.sub(v, tf.mul(g, 0.1)));
      }
    });
    tf.dispose([value, ...Object.values(grads)]);
    counts.push(tf.memory().numTensors - start);
  }
  const final = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.dataSync() as Float32Array]));
  tf.dispose([images, labels, ...Object.values(params)]);
  return { steps, counts, final };
}

let cpu: Awaited<ReturnType<typeof train>>;

for (const backend of ['wasm', 'tensorflow'] as const) {
  let skip: string | null = null;
  try {
    await initBackend(backend);
  } catch (error) {
    skip = (error as Error).message;
    console.warn(`SKIPPED ResNet-like training step on ${backend}: ${skip}`);
  }

  describe.skipIf(skip != null)(`a ResNet-like training step on ${backend}`, () => {
    let other: Awaited<ReturnType<typeof train>>;
    beforeAll(async () => {
      cpu ??= await train('cpu');
      other = await train(backend);
    });

    it('gives the cpu backend’s loss and gradients (rel. error ≤ 1e-4) at every step', () => {
      for (let s = 0; s < 3; s++) {
        expect(Math.abs(other.steps[s].loss - cpu.steps[s].loss)).toBeLessThan(1e-4 * Math.abs(cpu.steps[s].loss));
        expect(Object.keys(other.steps[s].grads).sort()).toEqual(Object.keys(shapes).sort());
        for (const k of Object.keys(shapes)) {
          const g = cpu.steps[s].grads[k];
          expect(g.some((v) => v !== 0), `cpu gradient of ${k} is all zero`).toBe(true);
          expect(maxRelErr(other.steps[s].grads[k], g), `step ${s} ${k}`).toBeLessThanOrEqual(1e-4);
        }
      }
      for (const k of Object.keys(shapes)) expect(maxRelErr(other.final[k], cpu.final[k]), k).toBeLessThanOrEqual(1e-4);
      // Training moved: the loss went down.
      expect(other.steps[2].loss).toBeLessThan(other.steps[0].loss);
    });

    it('leaves the tensor count unchanged after each step', () => {
      expect(other.counts).toEqual([0, 0, 0]);
      expect(cpu.counts).toEqual([0, 0, 0]);
    });
  });
}
