import { describe, expect, it } from 'vitest';
import { equalMassEdges } from './binning.js';
import { calibrationError } from './calibration-error.js';
import { close, loadFixtures } from './test-fixtures.js';

const fx = loadFixtures();

describe('calibrationError matches the reference lower_bound_scaling_ce', () => {
  for (const c of fx.cases) {
    for (const e of c.ce) {
      const a = e.args;
      const label = `${c.name}: p=${a.p} debias=${a.debias} bins=${a.bins} ${a.binning} ${a.mode}`;
      it(label, () => {
        const run = (): number =>
          calibrationError(c.probs, c.labels, { p: a.p, debias: a.debias, bins: a.bins, binning: a.binning, mode: a.mode });
        if (e.error !== undefined) {
          expect(run).toThrow(/at least 2 per bin/);
          return;
        }
        const v = run();
        if (e.stochastic) {
          // normal_debiased_ce averages 1000 random draws: only statistically comparable.
          expect(Math.abs(v - e.value!)).toBeLessThan(0.01);
        } else {
          expect(close(v, e.value!), `${v} vs reference ${e.value}`).toBe(true);
        }
      });
    }
  }
});

describe('calibrationError edge cases', () => {
  it('clamps a negative debiased squared error at 0 before the root', () => {
    const c = fx.cases.find((x) => x.name === 'negative-debiased')!;
    expect(c.rawSquared!).toBeLessThan(0);
    expect(calibrationError(c.probs, c.labels)).toBe(0);
    expect(calibrationError(c.probs, c.labels, { debias: false })).toBeGreaterThan(0.1);
  });

  it('merges duplicate equal-mass edges exactly like get_equal_bins', () => {
    const c = fx.cases.find((x) => x.name === 'heavy-ties-k2')!;
    for (const e of c.edges!) {
      const col = (c.probs as number[][]).map((r) => r[e.column]);
      expect(equalMassEdges(col, e.bins)).toEqual(e.edges);
    }
  });

  it('uses min(bins, n) bins when there are fewer examples than bins', () => {
    expect(equalMassEdges([0.3, 0.1, 0.2], 15)).toEqual([0.15000000000000002, 0.25, 1]);
  });

  it('gives the same number for every input form', () => {
    const c = fx.cases.find((x) => x.name === 'calibrated-k10')!;
    const rows = c.probs as number[][];
    const ref = calibrationError(rows, c.labels);
    const flat = Float64Array.from(rows.flat());
    expect(calibrationError(flat, Int32Array.from(c.labels), { numClasses: 10 })).toBe(ref);
    expect(calibrationError(rows.map((r) => Float64Array.from(r)), c.labels)).toBe(ref);
    const tensor = { shape: [rows.length, 10], dataSync: () => Float32Array.from(flat) };
    const t32 = calibrationError(tensor, { shape: [rows.length], arraySync: () => c.labels });
    const f32 = calibrationError(Float32Array.from(flat), c.labels, { numClasses: 10 });
    expect(t32).toBe(f32);
    expect(Math.abs(t32 - ref)).toBeLessThan(1e-6);
  });

  it('needs at least 2 examples', () => {
    expect(() => calibrationError([[0.4, 0.6]], [1])).toThrow(/at least 2 examples, got 1/);
  });

  it('rejects bad options', () => {
    const p = [[0.5, 0.5], [0.2, 0.8]];
    expect(() => calibrationError(p, [0, 1], { p: 0 })).toThrow(/p must be/);
    expect(() => calibrationError(p, [0, 1], { bins: 0 })).toThrow(/bins must be a positive integer/);
    expect(() => calibrationError(p, [0, 1], { mode: 'top' as never })).toThrow(/mode must be/);
    expect(() => calibrationError(p, [0, 1], { binning: 'quantile' as never })).toThrow(/binning must be/);
  });
});

/** Perfectly calibrated binary sampler: p ~ U(0, 1), y ~ Bernoulli(p). */
function sample(n: number, seed: number): { p: Float64Array; y: Int32Array } {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const p = new Float64Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    p[i] = u();
    y[i] = u() < p[i] ? 1 : 0;
  }
  return { p, y };
}

describe('property: debiased vs plug-in on a perfectly calibrated sampler', () => {
  it('the debiased l2 error shrinks toward 0 with n while the plug-in stays biased upward', () => {
    const reps = 30;
    const sizes = [200, 2000, 20000];
    const debiased: number[] = [];
    const pluginSq: number[] = [];
    for (const n of sizes) {
      let d = 0;
      let q = 0;
      for (let r = 0; r < reps; r++) {
        const { p, y } = sample(n, 1000 * n + r);
        d += calibrationError(p, y);
        q += calibrationError(p, y, { debias: false }) ** 2;
      }
      debiased.push(d / reps);
      pluginSq.push(q / reps);
    }
    // Plug-in squared error ≈ Σ_b var_b / n = B · E[p(1 − p)] / n = 15 / (6n) > 0: biased upward.
    for (let i = 0; i < sizes.length; i++) {
      const bias = 15 / (6 * sizes[i]);
      expect(pluginSq[i]).toBeGreaterThan(0.6 * bias);
      expect(debiased[i] ** 2).toBeLessThan(pluginSq[i]);
    }
    expect(debiased[1]).toBeLessThan(debiased[0]);
    expect(debiased[2]).toBeLessThan(debiased[1]);
    expect(debiased[2]).toBeLessThan(0.01);
  });
});
