import { readFileSync } from 'node:fs';
import { createRng, type Rng } from '@cnn/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { augmix, augmixTransform } from './augmix.js';
import type { Dataset } from './dataset.js';
import { loader } from './loader.js';

// fixtures/augmix/make_augmix_fixtures.py ran google-research/augmix's augmentations.py and cifar.py's
// aug() (Pillow 9.4) on real CIFAR-10 test images and recorded every random draw in order.
interface Draw { 0: 'dirichlet' | 'beta' | 'randint' | 'choice' | 'uniform'; 1: number | number[] }
interface Case { settings: { width: number; depth: number; severity: number; all_ops: boolean }; image: string; draws: Draw[]; output: string }
const fixtures: { cases: Case[] } = JSON.parse(readFileSync(new URL('../fixtures/augmix/augmix-fixtures.json', import.meta.url), 'utf8'));
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const floats = (b64: string) => { const b = bytes(b64); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };

/** An Rng that replays the reference's draws (and fails on any draw the reference did not make). */
function replay(draws: Draw[]): Rng & { left(): number } {
  const queue = draws.slice();
  const gammas: number[] = [];
  const next = (kind: string) => {
    const d = queue.shift();
    if (!d || d[0] !== kind) throw new Error(`replay: the reference drew ${d ? d[0] : 'nothing'} where augmix draws ${kind}`);
    return d[1];
  };
  const unused = () => { throw new Error('replay: a draw the reference does not make'); };
  return {
    uniform: () => next('uniform') as number,
    gamma: () => {
      if (gammas.length === 0) gammas.push(...(next('dirichlet') as number[]));
      return gammas.shift()!;
    },
    beta: () => next('beta') as number,
    int: (n: number) => {
      const kind = queue[0]?.[0];
      if (kind === 'randint') return (next('randint') as number) - 1; // depth = 1 + int(3)
      return next('choice') as number;
      void n;
    },
    left: () => queue.length + gammas.length,
    uniformRange: unused, normal: unused, shuffle: unused, permutation: unused, fork: unused, getState: unused, setState: unused,
  } as unknown as Rng & { left(): number };
}

describe('augmix: google-research/augmix on real CIFAR-10 images, the same draws replayed', () => {
  it.each(fixtures.cases.map((c, i) => [i, c] as const))('case %i matches the reference output', (_i, c) => {
    const rng = replay(c.draws);
    const s = c.settings;
    const out = augmix({ image: bytes(c.image), height: 32, width: 32 }, { width: s.width, depth: s.depth, severity: s.severity, allOps: s.all_ops }, rng);
    expect(rng.left()).toBe(0); // every draw of the reference used, in order
    const want = floats(c.output);
    let maxDiff = 0;
    let close = 0;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(out[i] - want[i]);
      maxDiff = Math.max(maxDiff, d);
      if (d <= 1e-6) close++;
    }
    // The PIL operations are bit-exact or within one level (@cnn/corruptions' parity), the mixing float32.
    expect(maxDiff).toBeLessThanOrEqual(1 / 255 + 1e-6);
    expect(close / want.length).toBeGreaterThan(0.99);
  });

  it('rejects bad options and images, naming them', () => {
    const img = { image: new Uint8Array(32 * 32 * 3), height: 32, width: 32 };
    const rng = createRng(0);
    expect(() => augmix(img, { severity: 0 }, rng)).toThrow(/severity must be in \[0.1, 10\]/);
    expect(() => augmix(img, { width: 0 }, rng)).toThrow(/width must be a positive integer/);
    expect(() => augmix(img, { depth: 0 }, rng)).toThrow(/depth must be −1/);
    expect(() => augmix(img, { alpha: -1 }, rng)).toThrow(/alpha must be a positive number/);
    expect(() => augmix({ ...img, image: new Uint8Array(10) }, {}, rng)).toThrow(/32×32×3 = 3072 bytes, got 10/);
  });

  it('is deterministic for a seed and leaves its input unchanged', () => {
    const image = bytes(fixtures.cases[0].image);
    const copy = image.slice();
    const a = augmix({ image, height: 32, width: 32 }, {}, createRng(5));
    const b = augmix({ image, height: 32, width: 32 }, {}, createRng(5));
    const c = augmix({ image, height: 32, width: 32 }, {}, createRng(6));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(image).toEqual(copy);
  });
});

describe('augmixTransform in the loader', () => {
  const images = fixtures.cases.map((c) => bytes(c.image));
  const ds: Dataset = { length: images.length, classNames: Array.from({ length: 10 }, (_, i) => `c${i}`), get: (i) => ({ image: images[i], height: 32, width: 32, label: i }) };

  it('with the JSD loss: 3·B images view-major (clean, AugMix, AugMix) and B labels', async () => {
    const before = tf.memory().numTensors;
    const it = loader(ds, { batchSize: 4, transform: augmixTransform({ base: false }), seed: 1 })[Symbol.asyncIterator]();
    const { value: batch } = await it.next();
    await it.return?.();
    expect(batch.images.shape).toEqual([12, 32, 32, 3]);
    expect(batch.labels.shape).toEqual([4]);
    const x = (await batch.images.data()) as Float32Array;
    const per = 32 * 32 * 3;
    const view = (v: number, i: number) => x.subarray((v * 4 + i) * per, (v * 4 + i + 1) * per);
    for (let i = 0; i < 4; i++) {
      expect(Array.from(view(0, i))).toEqual(Array.from(images[i], (b) => Math.fround(b / 255))); // the clean view
      expect(view(1, i)).not.toEqual(view(0, i));
      expect(view(2, i)).not.toEqual(view(1, i)); // two independent AugMix views
      expect(Math.min(...view(1, i)) >= 0 && Math.max(...view(2, i)) <= 1).toBe(true);
    }
    tf.dispose([batch.images, batch.labels]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without it: one AugMix image per example, after the crop and flip', async () => {
    const it = loader(ds, { batchSize: 4, transform: augmixTransform({ jsd: false }), seed: 1 })[Symbol.asyncIterator]();
    const { value: batch } = await it.next();
    await it.return?.();
    expect(batch.images.shape).toEqual([4, 32, 32, 3]);
    tf.dispose([batch.images, batch.labels]);
  });

  it('refuses a batch transform after a multi-view transform', () => {
    const mix = { kind: 'batch' as const, apply: (b: never) => b };
    expect(() => loader(ds, { batchSize: 2, transform: [augmixTransform(), mix] })).toThrow(/cannot follow a transform with 3 views/);
  });
});
