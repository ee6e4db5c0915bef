import { createRng } from '@cnn/core';
import { describe, expect, it } from 'vitest';
import { cutmix } from './cutmix.js';
import { mixup } from './mixup.js';
import type { HostBatch } from './transform.js';

function batch(n: number, h: number, w: number, k: number, seed: number): HostBatch {
  const rng = createRng(seed);
  const images = new Float32Array(n * h * w * 3);
  for (let i = 0; i < images.length; i++) images[i] = rng.uniform();
  const labels = Int32Array.from({ length: n }, () => rng.int(k));
  return { images, labels, batchSize: n, height: h, width: w, numClasses: k };
}

describe('mixup', () => {
  it('mixes each example with one partner by λ and gives soft targets that sum to 1', () => {
    for (let seed = 0; seed < 10; seed++) {
      const b = batch(16, 4, 4, 10, seed);
      const t = mixup({ alpha: 0.4 });
      const out = t.apply(b, createRng(seed));
      const lam = t.lastLambda;
      expect(lam).toBeGreaterThan(0);
      expect(lam).toBeLessThan(1);
      const d = 4 * 4 * 3;
      for (let i = 0; i < 16; i++) {
        let row = 0;
        for (let c = 0; c < 10; c++) row += out.targets![i * 10 + c];
        expect(row).toBeCloseTo(1, 6);
        // find the partner j: x̃ᵢ = λxᵢ + (1−λ)xⱼ
        const j = [...Array(16).keys()].find((jj) =>
          [0, 1, d - 1].every((p) => Math.abs(out.images[i * d + p] - (lam * b.images[i * d + p] + (1 - lam) * b.images[jj * d + p])) < 1e-6),
        );
        expect(j).toBeDefined();
        for (let p = 0; p < d; p++) expect(out.images[i * d + p]).toBeCloseTo(lam * b.images[i * d + p] + (1 - lam) * b.images[j! * d + p], 5);
        const expected = new Float32Array(10);
        expected[b.labels[i]] += lam;
        expected[b.labels[j!]] += 1 - lam;
        for (let c = 0; c < 10; c++) expect(out.targets![i * 10 + c]).toBeCloseTo(expected[c], 6);
      }
      expect(Array.from(out.labels)).toEqual(Array.from(b.labels));
    }
  });

  it('is reproducible from the rng and leaves the input untouched', () => {
    const b = batch(8, 2, 2, 3, 1);
    const copy = b.images.slice();
    const a1 = mixup().apply(b, createRng(5));
    const a2 = mixup().apply(b, createRng(5));
    expect(Array.from(a1.images)).toEqual(Array.from(a2.images));
    expect(Array.from(b.images)).toEqual(Array.from(copy));
  });

  it('p = 0 leaves images alone but still gives one-hot targets', () => {
    const b = batch(4, 2, 2, 5, 2);
    const out = mixup({ p: 0 }).apply(b, createRng(0));
    expect(out.images).toBe(b.images);
    for (let i = 0; i < 4; i++) expect(out.targets![i * 5 + b.labels[i]]).toBe(1);
    expect(() => mixup({ alpha: 0 })).toThrow(/alpha must be > 0/);
  });
});

describe('cutmix', () => {
  it('pastes one box from a partner; targets use the box area and sum to 1', () => {
    for (let seed = 0; seed < 10; seed++) {
      const b = batch(8, 16, 16, 4, seed + 100);
      const copy = b.images.slice();
      const t = cutmix({ alpha: 1 });
      const out = t.apply(b, createRng(seed));
      expect(b.images).toEqual(copy); // inputs are never mutated
      const d = 16 * 16;
      for (let i = 0; i < 8; i++) {
        let changed = 0;
        for (let p = 0; p < d; p++) if (out.images[(i * d + p) * 3] !== b.images[(i * d + p) * 3]) changed++;
        let row = 0;
        for (let c = 0; c < 4; c++) row += out.targets![i * 4 + c];
        expect(row).toBeCloseTo(1, 6);
        // pixels that changed come from the box: their share is at most 1 − λ' (less when the partner is itself)
        expect(changed / d).toBeLessThanOrEqual(1 - t.lastLambda + 1e-9);
        expect(out.targets![i * 4 + b.labels[i]]).toBeGreaterThanOrEqual(t.lastLambda - 1e-6);
      }
    }
  });
});
