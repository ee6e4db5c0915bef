import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import type { Classifier } from '@cnn/backend';

/** torchattacks.json as written by fixtures/make_fixtures.py. */
export interface Fixture {
  source: string;
  shape: [number, number, number, number];
  images: string;
  labels: number[];
  targets: number[];
  model: Record<'convW' | 'convB' | 'fcW' | 'fcB', string>;
  minGradRatio: number;
  cases: {
    name: string;
    attack: 'fgsm' | 'fgsmRandomStart' | 'pgd' | 'apgd';
    options: Record<string, unknown> & { targeted?: boolean };
    expected: string;
    delta0?: string;
    fooled?: boolean[];
  }[];
}

export function loadFixture(): Fixture {
  return JSON.parse(readFileSync(new URL('../fixtures/torchattacks.json', import.meta.url), 'utf8')) as Fixture;
}

/** Exact float32 values from the fixture's base64 little-endian bytes. */
export function f32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  const out = new Float32Array(buf.length / 4);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * The fixture's tiny CNN in TF.js (same maths as make_fixtures.py's `Tiny`): conv3x3 (3→6, pad 1)
 * → tanh → avgpool 2 → flatten in PyTorch's C,H,W order → linear 96 → 10. Returns the classifier
 * and its weight tensors (the caller disposes them).
 */
export function fixtureModel(fx: Fixture): { classifier: Classifier; weights: tf.Tensor[] } {
  const side = fx.shape[1];
  const convW = tf.tensor4d(f32(fx.model.convW), [3, 3, 3, 6]);
  const convB = tf.tensor1d(f32(fx.model.convB));
  const fcW = tf.tensor2d(f32(fx.model.fcW), [6 * (side / 2) ** 2, 10]);
  const fcB = tf.tensor1d(f32(fx.model.fcB));
  const classifier: Classifier = (x) =>
    tf.tidy(() => {
      const h = tf.avgPool(tf.tanh(tf.add(tf.conv2d(x, convW, 1, 'same'), convB)) as tf.Tensor4D, 2, 2, 'valid');
      const flat = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [x.shape[0], -1]);
      return tf.add(tf.matMul(flat, fcW), fcB);
    });
  return { classifier, weights: [convW, convB, fcW, fcB] };
}
