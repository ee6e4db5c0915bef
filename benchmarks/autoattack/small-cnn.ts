import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors } from '@cnn/models';
import type { autoAttack } from '@cnn/attacks';

/** @cnn/core's Classifier (NHWC images in [0, 1] → logits), named through @cnn/attacks: no extra dependency. */
export type Classifier = Parameters<typeof autoAttack>[0];

/**
 * The small CNN of torch_models.py (conv3x3 3→6 + tanh → avgpool 2 → linear 1536 → 10) as a
 * Classifier on NHWC images, from its PyTorch-layout safetensors. PyTorch flattens NCHW, so the
 * linear weight is permuted once here to NHWC order. Returns the classifier and its weights (to dispose).
 */
export function loadSmallCnn(path: string): { classifier: Classifier; weights: tf.Tensor[] } {
  const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(path)), { source: path });
  const need = { 'conv.weight': [6, 3, 3, 3], 'conv.bias': [6], 'fc.weight': [10, 1536], 'fc.bias': [10] };
  for (const [name, shape] of Object.entries(need)) {
    const t = tensors[name];
    if (!t || t.shape.join() !== shape.join()) throw new Error(`${path}: ${name} should have shape [${shape}], got ${t ? `[${t.shape}]` : 'nothing'}`);
  }
  const convW = tf.transpose(tensors['conv.weight'] as tf.Tensor4D, [2, 3, 1, 0]); // OIHW → HWIO
  const fcW = tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(tensors['fc.weight'], [10, 6, 16, 16]), [2, 3, 1, 0]), [1536, 10]) as tf.Tensor2D);
  const convB = tensors['conv.bias'];
  const fcB = tensors['fc.bias'];
  tf.dispose([tensors['conv.weight'], tensors['fc.weight']]);
  const classifier: Classifier = (images) =>
    tf.tidy(() => {
      const h = tf.avgPool(tf.tanh(tf.add(tf.conv2d(images, convW, 1, 'same'), convB)) as tf.Tensor4D, 2, 2, 'valid');
      return tf.add(tf.matMul(tf.reshape(h, [images.shape[0], 1536]), fcW), fcB) as tf.Tensor2D;
    });
  return { classifier, weights: [convW, convB, fcW, fcB] };
}
