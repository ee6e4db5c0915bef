import { createRng, disposeBatch } from '@cnn/core';
import { corrupt } from '@cnn/corruptions';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { CifarDataset } from './cifar-dataset.js';
import { CIFAR10_CLASSES } from './cifar-names.js';
import { parseCifarBatch } from './cifar-parse.js';
import { corruptedDataset } from './corrupted-dataset.js';
import type { Dataset, Sample } from './dataset.js';
import { loader } from './loader.js';
import { fakeCifarBytes } from './testing/fake-cifar.js';

const records = parseCifarBatch(fakeCifarBytes('cifar10', 6, 3), 'cifar10', 'fake');
const clean = new CifarDataset('cifar10', records.images, records.labels, CIFAR10_CLASSES, ['fake']);
const same = new CifarDataset('cifar10', new Uint8Array(2 * 3072).fill(128), new Uint8Array([4, 7]), CIFAR10_CLASSES, ['grey']);
const bytes = (s: Sample | Promise<Sample>) => Array.from((s as Sample).image);
beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('corruptedDataset', () => {
  it('corrupts each example (labels, size and class names kept, the source untouched)', () => {
    const before = clean.images.slice();
    const ds = corruptedDataset(clean, 'gaussian_noise', 3, { seed: 1 });
    expect([ds.length, ds.classNames]).toEqual([6, CIFAR10_CLASSES]);
    for (let i = 0; i < 6; i++) {
      const s = ds.get(i) as Sample;
      expect([s.height, s.width, s.label, s.image.length]).toEqual([32, 32, clean.labels[i], 3072]);
      const changed = s.image.filter((v, k) => v !== clean.get(i).image[k]).length;
      expect(changed).toBeGreaterThan(1000); // gaussian noise at severity 3 moves most bytes
    }
    expect(clean.images).toEqual(before);
  });

  it('the noise depends on the seed and the index only: any read order, identical images differ by index', () => {
    const a = corruptedDataset(clean, 'shot_noise', 2, { seed: 7 });
    const b = corruptedDataset(clean, 'shot_noise', 2, { seed: 7 });
    const forward = [0, 1, 2, 3, 4, 5].map((i) => bytes(a.get(i)));
    const backward = [5, 4, 3, 2, 1, 0].map((i) => bytes(b.get(i))).reverse();
    expect(backward).toEqual(forward);
    expect(bytes(a.get(3))).toEqual(forward[3]); // read again: the same
    expect(bytes(corruptedDataset(clean, 'shot_noise', 2, { seed: 8 }).get(3))).not.toEqual(forward[3]);
    const grey = corruptedDataset(same, 'shot_noise', 2, { seed: 7 });
    expect(bytes(grey.get(0))).not.toEqual(bytes(grey.get(1)));
  });

  it("is corrupt() with a per-example seed (the corruption, severity and table of @cnn/corruptions)", () => {
    const ds = corruptedDataset(clean, 'contrast', 5, { seed: 3 });
    // contrast draws nothing: exactly corrupt() of the clean image, whatever the seed
    expect(bytes(ds.get(2))).toEqual(Array.from(corrupt({ image: clean.get(2).image, height: 32, width: 32 }, 'contrast', 5, { seed: 0 }).image));
  });

  it('through a shuffled loader: every example gets its own corruption whatever the order; no tensor leaks', async () => {
    const ds = corruptedDataset(clean, 'impulse_noise', 4, { seed: 11 });
    const expected = [0, 1, 2, 3, 4, 5].map((i) => bytes(ds.get(i)));
    const tensors = tf.memory().numTensors;
    for (const seed of [1, 2]) {
      const seen = new Map<string, number>();
      for await (const batch of loader(ds, { batchSize: 4, shuffle: true, seed })) {
        const imgs = Array.from(await batch.images.data()); // toFloat: bytes / 255
        for (let k = 0; k < batch.images.shape[0]; k++) seen.set(imgs.slice(k * 3072, (k + 1) * 3072).map((v) => Math.round(v * 255)).join(), k);
        disposeBatch(batch);
      }
      expect(seen.size).toBe(6);
      expect(expected.every((e) => seen.has(e.join()))).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('async get and getMany of the source data set are used and corrupted the same way', async () => {
    const calls: string[] = [];
    const source: Dataset = {
      length: clean.length,
      classNames: clean.classNames,
      get: async (i) => (calls.push(`get ${i}`), clean.get(i)),
      getMany: async (indices) => (calls.push(`getMany ${indices.join(',')}`), indices.map((i) => clean.get(i))),
    };
    const ds = corruptedDataset(source, 'pixelate', 3, { seed: 5 });
    const sync = corruptedDataset(clean, 'pixelate', 3, { seed: 5 });
    expect(bytes(await ds.get(4))).toEqual(bytes(sync.get(4)));
    const many = await ds.getMany!([5, 1], createRng(0));
    expect(many.map((s) => Array.from(s.image))).toEqual([bytes(sync.get(5)), bytes(sync.get(1))]);
    expect(calls).toEqual(['get 4', 'getMany 5,1']);
    expect(sync.getMany).toBeUndefined(); // only when the source has one
  });

  it('bad arguments and images corrupt cannot take: errors naming them', async () => {
    expect(() => corruptedDataset(clean, 'fogg' as never, 1, { seed: 0 })).toThrow('corruptedDataset: unknown corruption "fogg"; the names are gaussian_noise');
    for (const s of [0, 6, 1.5]) expect(() => corruptedDataset(clean, 'fog', s, { seed: 0 })).toThrow(`severity must be an integer from 1 to 5, got ${s}`);
    expect(() => corruptedDataset(clean, 'fog', 1, {} as never)).toThrow('options.seed must be a finite number, got undefined');
    expect(() => corruptedDataset([] as never, 'fog', 1, { seed: 0 })).toThrow('dataset must be a Dataset');
    const small: Dataset = { length: 1, classNames: ['a'], get: () => ({ image: new Uint8Array(16 * 16 * 3), height: 16, width: 16, label: 0 }) };
    expect(() => corruptedDataset(small, 'fog', 1, { seed: 0 }).get(0)).toThrow('corruptedDataset: example 0 (16×16): corrupt: image is 16×16');
  });
});
