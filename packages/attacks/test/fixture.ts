import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { createRng, type Classifier, type Rng } from '@cnn/backend';

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

/** autoattack.json as written by fixtures/make_autoattack.py. */
export interface AutoAttackFixture {
  source: string;
  dlr: { logits: string; shape: [number, number]; labels: number[]; targets: number[]; dlr: string; dlrTargeted: string };
  cases: {
    name: string;
    attack: 'apgd' | 'apgdTargeted' | 'square' | 'fab';
    options: Record<string, unknown> & { norm: 'linf' | 'l2' };
    expected: string;
    delta0?: string;
    fooled: boolean[];
    draws?: string;
    drawCount?: number;
  }[];
  cascade: {
    images: string;
    shape: [number, number, number, number];
    labels: number[];
    settings: { steps: number; nTargetClasses: number; nQueries: number; eps: number };
    attacks: string[];
    seeds: number[];
    robustAccuracy: number[];
    withFab: { attacks: string[]; robustAccuracy: number[] };
    standard: { eps: number; seeds: number[]; robustAccuracy: number[] };
  };
}

export function loadAutoAttackFixture(): AutoAttackFixture {
  return JSON.parse(readFileSync(new URL('../fixtures/autoattack.json', import.meta.url), 'utf8')) as AutoAttackFixture;
}

/** An Rng whose uniform() replays `values` in order (the reference's torch.rand draws); counts the draws. */
export function replayRng(values: Float32Array): Rng & { used: () => number } {
  let i = 0;
  const base = createRng(0);
  return {
    ...base,
    uniform: () => {
      if (i >= values.length) throw new Error(`replayRng: asked for draw ${i + 1} of ${values.length} recorded`);
      return values[i++];
    },
    used: () => i,
  };
}
