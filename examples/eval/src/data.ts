import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '@cnn/data';
import { loadCifar } from '@cnn/data/node';
import { CliError } from '@cnn/example-common';
import type { EvalSettings } from './args.js';
import type { DataIdentity } from './results-file.js';
import type { BatchInput } from './evaluate-batch.js';

/** The test split of `settings.dataset` under `root`, checked to hold at least `settings.n` images. */
export async function loadTestSet(settings: EvalSettings, root: string): Promise<Dataset> {
  const data = await loadCifar({ root, variant: settings.dataset, split: 'test' }).catch((error: Error) => {
    throw new CliError(`--data ${root}: ${error.message.replace('download: true', 'cnn-cifar --download')}`);
  });
  if (data.length < settings.n) throw new CliError(`--n ${settings.n}: the ${settings.dataset} test split in ${root} has only ${data.length} images`);
  return data;
}

/** sha256 over the first `n` images and labels: shards of other data are refused by merge. */
export async function dataIdentity(data: Dataset, n: number): Promise<DataIdentity> {
  const hash = createHash('sha256');
  for (let i = 0; i < n; i++) {
    const sample = await data.get(i);
    hash.update(sample.image).update(Uint8Array.of(sample.label & 0xff, sample.label >> 8));
  }
  return { numClasses: data.classNames.length, classNames: [...data.classNames], sha256: hash.digest('hex') };
}

/** Examples `[start, end)` as a float32 NHWC batch in [0, 1] and int32 labels (the caller disposes `images`). */
export async function readBatch(data: Dataset, start: number, end: number): Promise<BatchInput> {
  const samples = await Promise.all(Array.from({ length: end - start }, (_, j) => data.get(start + j)));
  const { height, width } = samples[0];
  const pixels = new Float32Array(samples.length * height * width * 3);
  samples.forEach((s, j) => {
    const at = j * height * width * 3;
    for (let k = 0; k < s.image.length; k++) pixels[at + k] = s.image[k] / 255;
  });
  return { start, images: tf.tensor4d(pixels, [samples.length, height, width, 3]), labels: Int32Array.from(samples, (s) => s.label) };
}
