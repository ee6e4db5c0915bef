import type { Dataset, Sample } from '@cnn/data';
import { describe, expect, it } from 'vitest';
import { evenSubset } from './subset.js';

// A class-sorted data set of 12 examples (3 classes × 4), like an image folder.
const sorted: Dataset = {
  length: 12,
  classNames: ['a', 'b', 'c'],
  get: (i): Sample => ({ image: new Uint8Array([i]), height: 1, width: 1, label: Math.floor(i / 4) }),
  getMany: async (indices) => indices.map((i) => sorted.get(i) as Sample),
};

describe('evenSubset', () => {
  it('spreads over every class instead of taking a prefix', async () => {
    const s = evenSubset(sorted, 6);
    expect(s.length).toBe(6);
    const labels = await Promise.all(Array.from({ length: 6 }, async (_, i) => (await s.get(i)).label));
    expect(labels).toEqual([0, 0, 1, 1, 2, 2]);
    expect((await s.getMany!([0, 5])).map((x) => x.image[0])).toEqual([0, 10]);
    expect(() => s.get(6)).toThrow(/index 6 out of range \[0, 6\)/);
  });

  it('returns the data set itself when the limit is absent or too large', () => {
    expect(evenSubset(sorted, undefined)).toBe(sorted);
    expect(evenSubset(sorted, 50)).toBe(sorted);
  });
});
