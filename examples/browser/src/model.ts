/** Loads the CIFAR-10 model the page attacks: model.json, then its safetensors weights. */
import * as tf from '@tensorflow/tfjs-core';
import { createModel, loadWeightsFromBytes, toClassifier, type Model } from '@cnn/models';
import type { Classifier } from '@cnn/core';
import { fetchBytes, fetchJson } from './fetch-bytes.js';
import { readManifest, type ModelManifest } from './model-manifest.js';

export interface LoadedModel {
  model: Model;
  classifier: Classifier;
  manifest: ModelManifest;
}

export async function loadModel(manifestUrl: string): Promise<LoadedModel> {
  const manifest = readManifest(await fetchJson(manifestUrl), manifestUrl);
  const weightsUrl = new URL(manifest.weights, new URL(manifestUrl, location.href)).href;
  const bytes = await fetchBytes(weightsUrl);
  const model = createModel(manifest.model, { ...manifest.options, seed: 0 });
  try {
    loadWeightsFromBytes(model, bytes);
  } catch (error) {
    model.dispose();
    throw new Error(`${weightsUrl}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { model, classifier: toClassifier(model), manifest };
}

/** Softmax probabilities of `images` (NHWC in [0, 1]), one row per image, computed `chunk` images at a time. */
export async function predictProbabilities(classifier: Classifier, images: tf.Tensor4D, chunk = 100): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  const n = images.shape[0];
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const probs = tf.tidy(() => tf.softmax(classifier(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]))));
    const values = (await probs.data()) as Float32Array;
    probs.dispose();
    const classes = values.length / size;
    for (let i = 0; i < size; i++) rows.push(values.slice(i * classes, (i + 1) * classes));
  }
  return rows;
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
}
