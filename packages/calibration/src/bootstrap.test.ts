import { describe, expect, it } from 'vitest';
import { confidenceIntervals, quantile } from './bootstrap.js';
import { calibrationError } from './calibration-error.js';
import { accuracy, brier } from './scores.js';
import { loadFixtures } from './test-fixtures.js';

const c = loadFixtures().cases.find((x) => x.name === 'overconfident-k10')!;

describe('confidenceIntervals', () => {
  it('is reproducible from its seed and changes with it', () => {
    const m = (p: Parameters<typeof brier>[0], y: Parameters<typeof brier>[1]): number => calibrationError(p, y, { mode: 'top-label' });
    const a = confidenceIntervals(m, c.probs, c.labels, { resamples: 100, seed: 3 });
    const b = confidenceIntervals(m, c.probs, c.labels, { resamples: 100, seed: 3 });
    const d = confidenceIntervals(m, c.probs, c.labels, { resamples: 100, seed: 4 });
    expect(a).toEqual(b);
    expect(a.lower).not.toBe(d.lower);
    expect(a.estimate).toBe(calibrationError(c.probs, c.labels, { mode: 'top-label' }));
    expect(a.lower).toBeLessThan(a.upper);
  });

  it('basic interval is the percentile interval reflected around the estimate', () => {
    const opts = { resamples: 200, seed: 1, level: 0.8 };
    const basic = confidenceIntervals(brier, c.probs, c.labels, opts);
    const perc = confidenceIntervals(brier, c.probs, c.labels, { ...opts, method: 'percentile' });
    expect(basic.lower).toBeCloseTo(2 * basic.estimate - perc.upper, 14);
    expect(basic.upper).toBeCloseTo(2 * basic.estimate - perc.lower, 14);
    expect(perc.lower).toBeLessThan(perc.median);
    expect(perc.median).toBeLessThan(perc.upper);
  });

  it('covers the true accuracy about as often as its level', () => {
    // Labels drawn so that each row is correct with probability 0.7: true accuracy 0.7.
    let s = 12345;
    const u = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
    let covered = 0;
    const trials = 60;
    for (let t = 0; t < trials; t++) {
      const n = 150;
      const probs: number[][] = [];
      const labels: number[] = [];
      for (let i = 0; i < n; i++) {
        probs.push([0.6, 0.4]);
        labels.push(u() < 0.7 ? 0 : 1);
      }
      const ci = confidenceIntervals(accuracy, probs, labels, { resamples: 200, seed: t, level: 0.9, method: 'percentile' });
      if (ci.lower <= 0.7 && 0.7 <= ci.upper) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.75);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });

  it('quantile interpolates linearly like numpy', () => {
    const v = [1, 2, 4, 8];
    expect(quantile(v, 0)).toBe(1);
    expect(quantile(v, 1)).toBe(8);
    expect(quantile(v, 0.5)).toBe(3);
    expect(quantile(v, 0.25)).toBeCloseTo(1.75, 15);
  });

  it('rejects bad options and too few examples', () => {
    expect(() => confidenceIntervals(brier, [[1, 0]], [0])).toThrow(/at least 2 examples/);
    expect(() => confidenceIntervals(brier, c.probs, c.labels, { level: 1 })).toThrow(/level/);
    expect(() => confidenceIntervals(brier, c.probs, c.labels, { resamples: 0 })).toThrow(/resamples/);
    expect(() => confidenceIntervals(() => NaN, c.probs, c.labels, { resamples: 2 })).toThrow(/returned NaN/);
  });
});
