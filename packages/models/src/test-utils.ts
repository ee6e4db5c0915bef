/* Helpers shared by this package's tests (not exported from the package). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '@cnn/backend';
import type { ModelName, ModelOptions } from './index.js';

/** Absolute path of a file in packages/models/fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export function readFixture(name: string): Uint8Array {
  const b = readFileSync(fixturePath(name));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Which of the given backends start here; the reason for those that do not. Leaves the last
 * successfully started backend active.
 */
export async function probeBackends(names: BackendName[]): Promise<Map<BackendName, string | null>> {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';
  const result = new Map<BackendName, string | null>();
  for (const name of names) {
    try {
      await initBackend(name);
      result.set(name, null);
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      console.warn(`[models tests] skipping backend ${name}: ${reason}`);
      result.set(name, reason);
    }
  }
  return result;
}

/** Mean softmax cross-entropy of logits [N, C] with int labels [N] (PyTorch's F.cross_entropy). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(logp, onehot), 1))) as tf.Scalar;
  });
}

/** max |a − b| (both read back), with a shape check. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (!tf.util.arraysEqual(a.shape, b.shape)) throw new Error(`shape [${a.shape}] vs [${b.shape}]`);
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs((x[i] as number) - (y[i] as number)));
  return m;
}

/** A tiny member of every family (and both stems where they exist). */
export const TINY: [ModelName, ModelOptions][] = [
  ['resnet18', { stem: 'cifar', widths: [4, 4, 8, 8], stemWidth: 4, depths: [1, 1, 1, 1], numClasses: 3 }],
  ['resnet50', { stem: 'imagenet', widths: [2, 2, 4, 4], stemWidth: 4, depths: [1, 1, 1, 1], numClasses: 3 }],
  ['resnet20', { widths: [2, 4, 8], stemWidth: 2, depths: [1, 1, 1], numClasses: 3 }],
  ['preact_resnet18', { widths: [4, 4, 8, 8], stemWidth: 4, depths: [1, 1, 1, 1], numClasses: 3 }],
  ['preact_resnet50', { stem: 'imagenet', widths: [2, 2, 4, 4], stemWidth: 4, depths: [1, 1, 1, 1], numClasses: 3 }],
  ['wrn_16_2', { widths: [4, 6, 8], stemWidth: 4, depths: [1, 1, 1], numClasses: 3, dropout: 0.2 }],
  ['wide_resnet50_2', { stem: 'cifar', widths: [2, 2, 4, 4], stemWidth: 4, depths: [1, 1, 1, 1], numClasses: 3 }],
  ['se_resnet18', { stem: 'cifar', widths: [4, 4, 8, 8], stemWidth: 4, depths: [1, 1, 1, 1], numClasses: 3, reduction: 2 }],
];

/**
 * A safetensors file built by hand: an 8-byte length (the header's own, or `lengthOverride`), the
 * header (an object is JSON-encoded; a string is used as is, e.g. with duplicate keys) and `data`.
 */
export function craftSafetensors(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(lengthOverride ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
