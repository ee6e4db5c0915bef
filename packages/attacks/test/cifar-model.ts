import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng, ensureGradients, initBackend, type Classifier } from '@cnn/backend';

/** The shared CIFAR-10 binaries, found relative to the repository root (`<repo>/../shared/data`). */
export const CIFAR_DIR = fileURLToPath(new URL('../../../../shared/data/cifar-10-batches-bin/', import.meta.url));
const RECORD = 3073;

/** `count` real CIFAR-10 images from record `offset` of a batch file: NHWC floats in [0, 1] and labels. */
export function cifarSample(file: 'data_batch_1.bin' | 'test_batch.bin', offset: number, count: number): { images: Float32Array; labels: Int32Array } {
  const path = CIFAR_DIR + file;
  const buf = readFileSync(path);
  if (buf.length !== 10000 * RECORD) throw new Error(`${path}: expected ${10000 * RECORD} bytes (10,000 CIFAR-10 records), got ${buf.length}`);
  const images = new Float32Array(count * 32 * 32 * 3);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const base = (offset + n) * RECORD;
    labels[n] = buf[base];
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) images[(n * 1024 + p) * 3 + c] = buf[base + 1 + c * 1024 + p] / 255;
    }
  }
  return { images, labels };
}

/** Layer shapes of the tiny CNN: conv3x3/2 (3→8) relu → conv3x3/2 (8→16) relu → flatten 1024 → dense 10. */
const SHAPES: number[][] = [[3, 3, 3, 8], [8], [3, 3, 8, 16], [16], [1024, 10], [10]];

export function tinyCnn(weights: tf.Tensor[]): Classifier {
  const [w1, b1, w2, b2, w3, b3] = weights;
  return (x) =>
    tf.tidy(() => {
      const h1 = tf.relu(tf.add(tf.conv2d(x, w1 as tf.Tensor4D, 2, "same"), b1)) as tf.Tensor4D;
      const h2 = tf.relu(tf.add(tf.conv2d(h1, w2 as tf.Tensor4D, 2, 'same'), b2));
      return tf.add(tf.matMul(tf.reshape(h2, [x.shape[0], -1]), w3 as tf.Tensor2D), b3) as tf.Tensor2D;
    });
}

let trained: Promise<Float32Array[]> | undefined;

/**
 * Weights of the tiny CNN: seeded He initialisation, then the dense head trained for 40 full-batch
 * gradient steps (lr 0.3, momentum 0.9) on the frozen conv features of 1,024 real CIFAR-10
 * training images (a linear probe: cheap on a loaded machine; ≈ 28% test accuracy, well above
 * chance). Always
 * on the cpu backend so every backend's tests get the same numbers. Cached per process; restores
 * the previously active backend.
 */
export function trainedWeights(): Promise<Float32Array[]> {
  trained ??= (async () => {
    const previous = tf.getBackend();
    await initBackend('cpu');
    ensureGradients();
    const rng = createRng(2024);
    const weights = SHAPES.map((s) => {
      const size = s.reduce((a, b) => a * b, 1);
      const fanIn = s.length === 1 ? 0 : size / s[s.length - 1];
      const v = new Float32Array(size);
      if (fanIn) for (let i = 0; i < size; i++) v[i] = rng.normal() * Math.sqrt(2 / fanIn);
      return tf.tensor(v, s);
    });
    const n = 1024;
    const data = cifarSample('data_batch_1.bin', 0, n);
    const [w1, b1, w2, b2] = weights;
    const features = tf.tidy(() => {
      const x = tf.tensor4d(data.images, [n, 32, 32, 3]);
      const h1 = tf.relu(tf.add(tf.conv2d(x, w1 as tf.Tensor4D, 2, "same"), b1)) as tf.Tensor4D;
      const h2 = tf.relu(tf.add(tf.conv2d(h1, w2 as tf.Tensor4D, 2, 'same'), b2));
      return tf.reshape(h2, [n, -1]) as tf.Tensor2D;
    });
    const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10);
    let head = [weights[4], weights[5]];
    let velocity = head.map((w) => tf.zerosLike(w));
    for (let step = 0; step < 40; step++) {
      const [next, nextVel] = tf.tidy(() => {
        const grads = tf.grads((w: tf.Tensor, b: tf.Tensor) => {
          const z = tf.add(tf.matMul(features, w as tf.Tensor2D), b);
          return tf.mean(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)), 1)));
        })(head);
        const vel = velocity.map((v, i) => tf.add(tf.mul(v, 0.9), grads[i]));
        return [head.map((w, i) => tf.sub(w, tf.mul(vel[i], 0.3))), vel];
      });
      head.forEach((w) => w.dispose());
      velocity.forEach((v) => v.dispose());
      head = next;
      velocity = nextVel;
    }
    const final = [w1, b1, w2, b2, ...head];
    const out = await Promise.all(final.map(async (w) => (await w.data()) as Float32Array));
    [...final, ...velocity, features, y].forEach((t) => t.dispose());
    if (previous && previous !== 'cpu') await tf.setBackend(previous);
    return out;
  })();
  return trained;
}

/** Weight tensors (on the active backend) from {@link trainedWeights}; the caller disposes them. */
export async function trainedTinyCnn(): Promise<{ classifier: Classifier; weights: tf.Tensor[] }> {
  const values = await trainedWeights();
  const weights = values.map((v, i) => tf.tensor(v, SHAPES[i]));
  return { classifier: tinyCnn(weights), weights };
}

/** `count` CIFAR-10 test images and labels as tensors (the caller disposes them). */
export function testBatch(count: number, offset = 0): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  const { images, labels } = cifarSample('test_batch.bin', offset, count);
  return { images: tf.tensor4d(images, [count, 32, 32, 3]), labels: tf.tensor1d(labels, 'int32') };
}
