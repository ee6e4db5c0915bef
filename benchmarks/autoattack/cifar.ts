import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const RECORD = 3073;

/** The CIFAR-10 test file: `--cifar`, else the shared data beside the repo, else examples/cifar's sample. */
export function findTestBatch(repoRoot: string, flag: string | undefined): string {
  const candidates = flag
    ? [resolve(flag)]
    : [resolve(repoRoot, '../shared/data/cifar-10-batches-bin/test_batch.bin'), resolve(repoRoot, 'examples/cifar/sample/cifar-10-batches-bin/test_batch.bin')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`CIFAR-10 test_batch.bin not found; looked at ${candidates.join(', ')} (pass --cifar FILE)`);
  return found;
}

/** Records start..start+count as NHWC images in [0, 1] and their labels (the caller disposes the images). */
export function readCifar(path: string, start: number, count: number): { images: tf.Tensor4D; labels: number[] } {
  const bytes = readFileSync(path);
  if (bytes.length < RECORD * (start + count)) {
    throw new Error(`${path}: holds ${Math.floor(bytes.length / RECORD)} CIFAR-10 records, need ${start + count}`);
  }
  const pixels = new Float32Array(count * 3072);
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const rec = (start + i) * RECORD;
    labels.push(bytes[rec]);
    // the file is channel-major (CHW); the models take NHWC
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) pixels[i * 3072 + p * 3 + c] = bytes[rec + 1 + c * 1024 + p] / 255;
    }
  }
  return { images: tf.tensor4d(pixels, [count, 32, 32, 3]), labels };
}
