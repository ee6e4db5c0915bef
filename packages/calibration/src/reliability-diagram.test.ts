import { describe, expect, it } from 'vitest';
import { calibrationError } from './calibration-error.js';
import { ece, mce } from './ece.js';
import { reliabilityDiagram } from './reliability-diagram.js';
import { accuracy } from './scores.js';
import { close, loadFixtures, type BinRow } from './test-fixtures.js';

const fx = loadFixtures();
const c = fx.cases.find((x) => x.name === fx.diagram.case)!;

function expectBins(got: ReturnType<typeof reliabilityDiagram>['bins'], want: BinRow[]): void {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => {
    expect(got[i].count).toBe(w.count);
    if (w.count === 0) {
      expect(got[i].confidence).toBeNull();
      return;
    }
    expect(close(got[i].confidence!, w.confidence!)).toBe(true);
    expect(close(got[i].accuracy!, w.accuracy!)).toBe(true);
    expect(close(got[i].gap!, w.confidence! - w.accuracy!)).toBe(true);
  });
}

describe('reliabilityDiagram', () => {
  it('bins like the reference (equal-width)', () => {
    const d = reliabilityDiagram(c.probs, c.labels, { bins: 10 });
    expectBins(d.bins, fx.diagram.equalWidth10);
    expect(d.bins[0]).toMatchObject({ lower: 0, upper: 0.1 });
    expect(d.count).toBe(c.labels.length);
  });

  it('bins like the reference (equal-mass, edges from the data)', () => {
    const d = reliabilityDiagram(c.probs, c.labels, { bins: 8, binning: 'equal-mass' });
    expectBins(d.bins, fx.diagram.equalMass8);
    expect(d.bins.map((b) => b.upper)).toEqual(fx.diagram.equalMass8Edges);
  });

  it('carries the same metrics as the standalone functions', () => {
    const d = reliabilityDiagram(c.probs, c.labels);
    expect(d.metrics.ece).toBe(ece(c.probs, c.labels));
    expect(d.metrics.mce).toBe(mce(c.probs, c.labels));
    expect(d.metrics.calibrationError).toBe(calibrationError(c.probs, c.labels, { mode: 'top-label' }));
    expect(d.metrics.accuracy).toBe(accuracy(c.probs, c.labels));
    expect(d.metrics.meanConfidence).toBeGreaterThan(d.metrics.accuracy); // over-confident case
    // The gap of each bin, weighted by its count, sums to the ECE.
    const weighted = d.bins.reduce((s, b) => s + (b.count / d.count) * Math.abs(b.gap ?? 0), 0);
    expect(weighted).toBeCloseTo(d.metrics.ece, 12);
  });

  it('pools every class in marginal mode and handles binary inputs', () => {
    const rows = c.probs as number[][];
    const d = reliabilityDiagram(rows, c.labels, { mode: 'marginal', bins: 10 });
    expect(d.count).toBe(rows.length * 10);
    const positives = d.bins.reduce((s, b) => s + (b.accuracy ?? 0) * b.count, 0);
    expect(positives).toBeCloseTo(rows.length, 9);
    const bin = reliabilityDiagram([0.1, 0.9, 0.8], [0, 1, 0], { bins: 2 });
    expect(bin.mode).toBe('binary');
    expect(bin.bins.map((b) => b.count)).toEqual([1, 2]);
    expect(bin.metrics.accuracy).toBeCloseTo(2 / 3, 15);
  });
});
