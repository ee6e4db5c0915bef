// Shared by the trainer's tests: the real CIFAR-10 files, small views of them, a tiny ResNet, a backend.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@cnn/backend';
import { randomCropFlip, type Dataset, type SampleTransform } from '@cnn/data';
import { loadCifar } from '@cnn/data/node';
import { createModel, type Model } from '@cnn/models';

// <repo>/../shared/data: the repo root is three levels above this file's directory.
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DATA = join(REPO, '..', 'shared', 'data');

/** The first `n` examples of a dataset (a view, no copy). */
export function head(ds: Dataset, n: number): Dataset {
  return { length: Math.min(n, ds.length), classNames: ds.classNames, get: (i, rng) => ds.get(i, rng) };
}

/** The first `n` images of CIFAR-10's first training batch. */
export async function cifarHead(n: number, split: 'train' | 'test' = 'train'): Promise<Dataset> {
  if (!existsSync(join(DATA, 'cifar-10-batches-bin'))) throw new Error(`CIFAR-10 binary data not found under ${DATA}`);
  return head(await loadCifar({ root: DATA, split, ...(split === 'train' ? { files: ['data_batch_1.bin'] } : {}) }), n);
}

/**
 * ResNet-20 narrowed to widths 4/8/8 and one block per stage, for 16×16 crops ({@link crop16}):
 * small enough for the plain-JS cpu backend (about a second per step of 8 images on a busy
 * 2-core machine).
 */
export const tinyModel = (seed = 0, numClasses = 10): Model =>
  createModel('resnet20', { widths: [4, 8, 8], depths: [1, 1, 1], stemWidth: 4, seed, numClasses });

/** A 16×16 crop of each 32×32 image (seeded position, no flip). */
export const crop16 = (): SampleTransform => randomCropFlip({ size: 16, padding: 0, flip: 0 });

/** tfjs-node when it is installed, else the plain-JS cpu backend. */
export async function tensorflowElseCpu(): Promise<void> {
  try {
    await initBackend('tensorflow');
  } catch {
    await initBackend('cpu');
  }
}

/** The records of a `metrics.jsonl`. */
export async function readRecords(path: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
