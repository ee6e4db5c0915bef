import { describe, expect, it } from 'vitest';
import { createRng } from '@cnn/core';
import { argsort, projectionLinf } from './fab-projections.js';
import { projectionLinfSorted } from '../test/projection-linf-sorted.js';

/** The definition argsort must meet: ascending values, equal values in index order. */
function reference(v: Float64Array): number[] {
  return Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b] || a - b);
}

describe('argsort (the FAB projections’ sort)', () => {
  it('orders like a stable comparator sort on lengths 0–70 and 3072, with many ties', () => {
    const rng = createRng(3);
    const lengths = [...Array.from({ length: 71 }, (_, i) => i), 3072];
    for (const n of lengths) {
      // values from a few levels, so most have equals; then some negatives and tiny differences
      const v = Float64Array.from({ length: n }, () => (rng.int(7) - 3) / 255 + (rng.uniform() < 0.2 ? 1e-12 : 0));
      expect(Array.from(argsort(v)), `length ${n}`).toEqual(reference(v));
    }
  });

  it('leaves its input unchanged', () => {
    const v = Float64Array.of(3, 1, 2, 1);
    expect(Array.from(argsort(v))).toEqual([1, 3, 2, 0]);
    expect(Array.from(v)).toEqual([3, 1, 2, 1]);
  });
});

describe('argsort on signed values', () => {
  it('orders negatives, zeros of both signs and infinities like the comparator sort', () => {
    const rng = createRng(5);
    const v = Float64Array.from({ length: 500 }, () => (rng.uniform() - 0.5) * 10 ** rng.int(6));
    v.set([-0, 0, -Infinity, Infinity, -0, 0], 100);
    const expected = reference(v);
    expect(Array.from(argsort(v))).toEqual(expected);
  });
});

describe('projectionLinf without sorting', () => {
  it('gives the sorted transcription of fab_projections.py on 400 random rows (both branches, ties included)', () => {
    const rng = createRng(11);
    let branches = 0;
    for (let trial = 0; trial < 400; trial++) {
      const n = trial < 200 ? 1 + rng.int(64) : 3072;
      // pixel-like points (many equal values), gradients with zeros, offsets of either sign
      const t = Float64Array.from({ length: n }, () => (trial % 3 === 0 ? rng.int(256) / 255 : rng.uniform()));
      const w = Float64Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 0 : rng.normal()));
      const b = rng.normal() * Math.sqrt(n) * 0.5;
      const got = projectionLinf(t, w, b);
      const want = projectionLinfSorted(t, w, b);
      if (want.some((v) => v !== 0)) branches++;
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i]), `trial ${trial} element ${i}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[i])));
    }
    expect(branches).toBeGreaterThan(100);
  });
});
