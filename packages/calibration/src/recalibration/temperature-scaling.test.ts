import { describe, expect, it } from 'vitest';
import { ece } from '../ece.js';
import { nll } from '../scores.js';
import { TemperatureScaling } from './temperature-scaling.js';

/** Over-confident synthetic logits: labels drawn from softmax(z), the model reports 3·z. */
function overconfident(n: number, k: number, seed: number): { logits: number[][]; labels: number[] } {
  let s = seed >>> 0;
  const u = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const logits: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: k }, normal);
    const e = z.map(Math.exp);
    const sum = e.reduce((a, b) => a + b);
    let r = u() * sum;
    let y = 0;
    while (y < k - 1 && r >= e[y]) r -= e[y++];
    labels.push(y);
    logits.push(z.map((v) => 3 * v));
  }
  return { logits, labels };
}

describe('TemperatureScaling', () => {
  const { logits, labels } = overconfident(800, 10, 7);

  it('lowers NLL (and ECE) on an over-confident set, with T > 1', () => {
    const ts = new TemperatureScaling().fit(logits, labels);
    expect(ts.temperature).toBeGreaterThan(1.5);
    const before = nll(logits, labels, { fromLogits: true });
    const after = nll(ts.calibrate(logits) as number[][], labels);
    expect(after).toBeLessThan(before - 0.05);
    expect(ts.fitInfo!.nllBefore).toBeCloseTo(before, 12);
    expect(ts.fitInfo!.nllAfter).toBeCloseTo(after, 10);
    expect(ece(ts.calibrate(logits) as number[][], labels)).toBeLessThan(ece(logits, labels, { fromLogits: true }));
  });

  it('finds the NLL minimum, from any starting temperature', () => {
    const temps = [1e-3, 0.05, 1, 20, 999].map((t0) => new TemperatureScaling({ initialTemperature: t0 }).fit(logits, labels).temperature);
    for (const t of temps) expect(Math.abs(t - temps[2]) / temps[2]).toBeLessThan(1e-9);
    const at = (t: number): number => nll(logits.map((r) => r.map((v) => v / t)), labels, { fromLogits: true });
    const t = temps[2];
    expect(at(t)).toBeLessThanOrEqual(at(t * 1.001));
    expect(at(t)).toBeLessThanOrEqual(at(t / 1.001));
  });

  it('refuses non-finite logits, naming the entry', () => {
    const bad = logits.slice(0, 5).map((r) => r.slice());
    bad[3][4] = NaN;
    expect(() => new TemperatureScaling().fit(bad, labels.slice(0, 5))).toThrow('logits[3][4] is NaN: expected a finite number');
    bad[3][4] = -Infinity;
    expect(() => new TemperatureScaling().fit(bad, labels.slice(0, 5))).toThrow('logits[3][4] is -Infinity');
    expect(() => new TemperatureScaling().fit([[1, 2]], [0])).toThrow(/at least 2 examples/);
  });

  it('stops at the bound on separable data and reports it', () => {
    const ts = new TemperatureScaling().fit([[5, 0], [0, 5], [4, 1]], [0, 1, 0]);
    expect(ts.fitInfo!.atBound).toBe(true);
    expect(ts.temperature).toBeCloseTo(1e-3, 12);
    const anti = new TemperatureScaling().fit([[5, 0], [0, 5]], [1, 0]);
    expect(anti.temperature).toBeCloseTo(1e3, 9);
  });

  it('handles 1-D binary logits as σ(z / T), and round-trips through JSON', () => {
    const z = logits.map((r) => r[1] - r[0]);
    const y = labels.map((l) => (l === 1 ? 1 : 0));
    const ts = new TemperatureScaling().fit(z, y);
    const p = ts.calibrate(z) as number[];
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-z[0] / ts.temperature)), 15);
    const back = TemperatureScaling.fromJSON(JSON.parse(JSON.stringify(ts)));
    expect(back.temperature).toBe(ts.temperature);
    expect(back.calibrate(z)).toEqual(p);
    const flat = Float64Array.from(logits.slice(0, 4).flat());
    expect(ts.calibrate(flat, { numClasses: 10 })).toBeInstanceOf(Float64Array);
    expect(() => TemperatureScaling.fromJSON({ type: 'temperature-scaling', version: 1, temperature: -1 })).toThrow(/temperature must be/);
    expect(() => TemperatureScaling.fromJSON({ type: 'histogram-binning', version: 1 })).toThrow(/type 'temperature-scaling'/);
  });
});
