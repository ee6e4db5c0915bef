import '@tensorflow/tfjs-backend-cpu';
import { disposeBatch, type LabeledBatch } from '@cnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCifar } from './cifar.js';
import type { Dataset, Sample } from './dataset.js';
import { loader } from './loader.js';
import { mixup } from './mixup.js';
import { cifarTrainTransform, randomCropFlip } from './transform.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Example i: a 4×4 image whose first two bytes encode i; label i mod 7. Optionally async. */
function indexDataset(n: number, asyncGet = false, badLabelAt = -1): Dataset {
  return {
    length: n,
    classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    get(i: number): Sample | Promise<Sample> {
      const image = new Uint8Array(4 * 4 * 3);
      image[0] = i % 256;
      image[1] = Math.floor(i / 256);
      const s = { image, height: 4, width: 4, label: i === badLabelAt ? 7 : i % 7 };
      return asyncGet ? new Promise((r) => setTimeout(() => r(s), 1)) : s;
    },
  };
}

async function collect(it: AsyncIterable<LabeledBatch>): Promise<{ ids: number[][]; images: Float32Array[]; labels: number[][]; targets: Float32Array[] }> {
  const res = { ids: [] as number[][], images: [] as Float32Array[], labels: [] as number[][], targets: [] as Float32Array[] };
  for await (const raw of it) {
    const b = raw;
    const x = b.images.dataSync() as Float32Array;
    const per = b.images.shape[1] * b.images.shape[2] * 3;
    const ids: number[] = [];
    for (let k = 0; k < b.images.shape[0]; k++) ids.push(Math.round(x[k * per] * 255) + 256 * Math.round(x[k * per + 1] * 255));
    res.ids.push(ids);
    res.images.push(x.slice());
    res.labels.push(Array.from(b.labels.dataSync()));
    if (b.targets) res.targets.push((b.targets.dataSync() as Float32Array).slice());
    expect(b.labels.dtype).toBe('int32');
    expect(b.images.dtype).toBe('float32');
    disposeBatch(b);
  }
  return res;
}

describe('loader', () => {
  it('covers every example once per epoch, in order without shuffle; length and dropLast', async () => {
    const ds = indexDataset(300);
    const l = loader(ds, { batchSize: 64 });
    expect(l.length).toBe(5);
    expect(loader(ds, { batchSize: 64, dropLast: true }).length).toBe(4);
    const r = await collect(l);
    expect(r.ids.map((b) => b.length)).toEqual([64, 64, 64, 64, 44]);
    expect(r.ids.flat()).toEqual([...Array(300).keys()]);
    expect(r.labels.flat()).toEqual([...Array(300).keys()].map((i) => i % 7));
    const dropped = await collect(loader(ds, { batchSize: 64, dropLast: true, shuffle: true, seed: 2 }));
    expect(dropped.ids.flat().length).toBe(256);
    expect(new Set(dropped.ids.flat()).size).toBe(256);
  });

  it('shuffles deterministically from seed + epoch, independent of prefetch depth', async () => {
    const ds = indexDataset(200);
    const opts = { batchSize: 32, shuffle: true, seed: 42, transform: [randomCropFlip({ padding: 1 }), mixup({ alpha: 0.5 })] };
    const a = await collect(loader(ds, { ...opts, prefetch: 0 }));
    const b = await collect(loader(ds, { ...opts, prefetch: 4 }));
    const e1 = await collect(loader(ds, opts).withEpoch(1));
    const s2 = await collect(loader(ds, { ...opts, seed: 43 }));
    expect(a.images.map((x) => Array.from(x))).toEqual(b.images.map((x) => Array.from(x)));
    expect(a.targets.map((x) => Array.from(x))).toEqual(b.targets.map((x) => Array.from(x)));
    expect(a.labels).toEqual(b.labels);
    expect(e1.labels).not.toEqual(a.labels);
    expect(s2.labels).not.toEqual(a.labels);
    const order = loader(ds, opts).batchIndices();
    expect(order.flatMap((x) => Array.from(x)).sort((p, q) => p - q)).toEqual([...Array(200).keys()]);
    expect(order.map((x) => Array.from(x, (i) => i % 7))).toEqual(a.labels);
  });

  it('mixup targets are soft labels whose rows sum to 1', async () => {
    const r = await collect(loader(indexDataset(50, true), { batchSize: 16, transform: mixup({ alpha: 1 }), seed: 3 }));
    expect(r.targets.length).toBe(4);
    for (const t of r.targets) {
      for (let i = 0; i < t.length / 7; i++) {
        let s = 0;
        for (let c = 0; c < 7; c++) s += t[i * 7 + c];
        expect(s).toBeCloseTo(1, 5);
      }
    }
  });

  it('frees every tensor it made: an epoch and an early break leave tf.memory unchanged', async () => {
    const ds = indexDataset(500);
    const before = tf.memory().numTensors;
    await collect(loader(ds, { batchSize: 50, shuffle: true, transform: [randomCropFlip({ padding: 1 }), mixup()], prefetch: 3 }));
    expect(tf.memory().numTensors).toBe(before);
    let seen = 0;
    for await (const b of loader(ds, { batchSize: 50, prefetch: 3 })) {
      disposeBatch(b);
      if (++seen === 2) break;
    }
    await new Promise((r) => setTimeout(r, 20)); // let abandoned prefetches settle
    expect(tf.memory().numTensors).toBe(before);
  });

  it('prepares the next batches while the consumer works on the current one', async () => {
    const requested: number[] = [];
    const base = indexDataset(64);
    const ds: Dataset = { ...base, get: (i) => (requested.push(i), base.get(i)) };
    for (const prefetch of [0, 2]) {
      requested.length = 0;
      const it = loader(ds, { batchSize: 8, prefetch })[Symbol.asyncIterator]();
      const first = await it.next();
      disposeBatch(first.value as LabeledBatch);
      await new Promise((r) => setTimeout(r, 30)); // "training" on batch 0, without asking for batch 1
      expect(requested.length).toBe(8 * (1 + prefetch));
      await it.return?.(undefined);
    }
  });

  it('startBatch k yields exactly batches k.. of the full pass and never reads the skipped examples', async () => {
    const requested: number[] = [];
    // get() draws from the rng it is given, as a randomly decoding data set (image folder) does
    const base = indexDataset(203);
    const ds: Dataset = {
      ...base,
      get: (i, rng) => {
        requested.push(i);
        const s = base.get(i) as Sample;
        s.image[2] = rng ? rng.int(256) : 0;
        return s;
      },
    };
    const opts = { batchSize: 16, shuffle: true, seed: 9, transform: [randomCropFlip({ padding: 1 }), mixup({ alpha: 0.4 })] };
    const full = await collect(loader(ds, opts).withEpoch(2));
    const order = loader(ds, opts).withEpoch(2).batchIndices();
    expect(full.ids.length).toBe(13);
    for (const k of [1, 5, 12]) {
      requested.length = 0;
      const l = loader(ds, opts).withEpoch(2, { startBatch: k });
      expect(l.length).toBe(13); // still the epoch's length
      expect(l.startBatch).toBe(k);
      const part = await collect(l);
      expect(part.ids).toEqual(full.ids.slice(k));
      expect(part.images.map((x) => Array.from(x))).toEqual(full.images.slice(k).map((x) => Array.from(x)));
      expect(part.targets.map((x) => Array.from(x))).toEqual(full.targets.slice(k).map((x) => Array.from(x)));
      expect(part.labels).toEqual(full.labels.slice(k));
      // only the examples of batches k.. were read
      expect(requested.sort((p, q) => p - q)).toEqual(order.slice(k).flatMap((x) => Array.from(x)).sort((p, q) => p - q));
    }
    // the option on loader() itself, and withEpoch without it starts over at 0
    const viaOption = await collect(loader(ds, { ...opts, epoch: 2, startBatch: 7 }));
    expect(viaOption.ids).toEqual(full.ids.slice(7));
    expect(loader(ds, { ...opts, startBatch: 7 }).withEpoch(2).startBatch).toBe(0);
    expect((await collect(loader(ds, opts).withEpoch(2, { startBatch: 13 }))).ids).toEqual([]);
    expect(() => loader(ds, { ...opts, startBatch: 14 })).toThrow(/startBatch must be an integer in \[0, 13\].*got 14/);
    expect(() => loader(ds, opts).withEpoch(0, { startBatch: -1 })).toThrow(/startBatch/);
  });

  it('reports bad examples and options clearly', async () => {
    await expect(collect(loader(indexDataset(20, false, 13), { batchSize: 8 }))).rejects.toThrow(/example 13 has label 7, expected an integer in \[0, 7\)/);
    const ragged: Dataset = {
      length: 2,
      classNames: ['x'],
      get: (i) => ({ image: new Uint8Array((i + 1) * 3), height: 1, width: i + 1, label: 0 }),
    };
    await expect(collect(loader(ragged, { batchSize: 2 }))).rejects.toThrow(/example 1 becomes 1×2 but example 0 became 1×1/);
    expect(() => loader(ragged, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(() => loader(ragged, { batchSize: 1, seed: Number.NaN })).toThrow(/seed must be a finite number, got NaN/);
    expect(() => loader(ragged, { batchSize: 1, transform: [mixup(), randomCropFlip()] })).toThrow(/second or late sample transform/);
  });
});

const REAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cifar-10-batches-bin');
describe.skipIf(!existsSync(path.join(REAL, 'test_batch.bin')))('loader on real CIFAR-10 (../shared/data)', () => {
  it('a full epoch with the train transform: shapes, pixel range, labels, no leaks', async () => {
    const ds = await loadCifar({ root: REAL, split: 'test' });
    const before = tf.memory().numTensors;
    const l = loader(ds, { batchSize: 256, shuffle: true, seed: 1, transform: cifarTrainTransform({ cutout: 8 }) });
    const order = l.batchIndices();
    let b = 0;
    const hist = new Array(10).fill(0);
    for await (const batch of l) {
      expect(batch.images.shape).toEqual([order[b].length, 32, 32, 3]);
      const x = batch.images.dataSync();
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of x) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      const y = batch.labels.dataSync();
      y.forEach((v, k) => {
        expect(v).toBe(ds.labels[order[b][k]]);
        hist[v]++;
      });
      disposeBatch(batch);
      b++;
    }
    expect(b).toBe(40);
    expect(hist).toEqual(new Array(10).fill(1000));
    expect(tf.memory().numTensors).toBe(before);
  });
});
