import { describe, expect, it } from 'vitest';
import { createRng } from '@cnn/core';
import { argsort } from './fab-projections.js';

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
