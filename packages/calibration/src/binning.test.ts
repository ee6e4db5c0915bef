import { describe, expect, it } from 'vitest';
import { binSums, equalMassEdges, equalWidthEdges, searchLeft } from './binning.js';

/** The reference's get_equal_bins written naively (full sort), to check the selection-based version. */
function naiveEdges(values: number[], numBins: number): number[] {
  const s = values.slice().sort((a, b) => a - b);
  const parts = Math.min(numBins, s.length);
  const groups: number[][] = [];
  const q = Math.floor(s.length / parts);
  const r = s.length % parts;
  let at = 0;
  for (let i = 0; i < parts; i++) {
    const size = q + (i < r ? 1 : 0);
    groups.push(s.slice(at, at + size));
    at += size;
  }
  const edges: number[] = [];
  for (let i = 0; i < parts - 1; i++) edges.push((groups[i][groups[i].length - 1] + groups[i + 1][0]) / 2);
  edges.push(1);
  return [...new Set(edges)].sort((a, b) => a - b);
}

describe('equalMassEdges', () => {
  it('equals a full-sort implementation on random data with and without ties', () => {
    let s = 99;
    const u = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
    for (const n of [1, 2, 3, 7, 15, 16, 100, 1001, 5000]) {
      for (const ties of [0, 3, 20]) {
        const v = Array.from({ length: n }, () => (ties ? Math.floor(u() * ties) / ties : u()));
        for (const b of [1, 2, 10, 15, 64]) expect(equalMassEdges(v, b)).toEqual(naiveEdges(v, b));
      }
    }
  });
  it('stays exact when the values cluster (most in one bucket) or are all equal', () => {
    let s = 7;
    const u = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
    const clustered = Array.from({ length: 20000 }, (_, i) => (i < 10 ? u() : 1 - 1e-9 * u()));
    for (const b of [2, 15, 100]) expect(equalMassEdges(clustered, b)).toEqual(naiveEdges(clustered, b));
    expect(equalMassEdges(new Array(9000).fill(0.25), 15)).toEqual([0.25, 1]);
  });

  it('rejects bad bin counts and empty data', () => {
    expect(() => equalMassEdges([0.5], 0)).toThrow(/bins must be a positive integer/);
    expect(() => equalMassEdges([], 3)).toThrow(/at least one value/);
  });
});

describe('bins are right-closed like numpy searchsorted(side="left")', () => {
  it('puts edge values in the lower bin and 0 in the first', () => {
    const e = equalWidthEdges(5);
    expect(e).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect([0, 0.2, 0.2000001, 1].map((v) => searchLeft(e, v))).toEqual([0, 0, 1, 4]);
    const s = binSums([0.2, 0.4, 1], [1, 0, 1], e);
    expect(Array.from(s.counts)).toEqual([1, 1, 0, 0, 1]);
  });
});
