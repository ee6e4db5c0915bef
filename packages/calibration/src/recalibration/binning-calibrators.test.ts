import { describe, expect, it } from 'vitest';
import { calibrationError } from '../calibration-error.js';
import { close, loadFixtures } from '../test-fixtures.js';
import { HistogramBinning } from './histogram-binning.js';
import { correctness } from './output.js';
import { fitPlatt } from './platt.js';
import { ScalingBinning } from './scaling-binning.js';

const fx = loadFixtures();

function outputOf(o: ReturnType<HistogramBinning['calibrate']>): number[] | number[][] {
  if (o.kind === 'top-label') return o.confidences;
  return o.probs;
}

describe('recalibrators match the reference calibrators', () => {
  for (const f of fx.calibrators) {
    for (const r of f.results) {
      it(`${f.name}: ${r.kind} ${r.mode}`, () => {
        const cal =
          r.kind === 'histogram' ? new HistogramBinning({ bins: f.bins, mode: r.mode }) : new ScalingBinning({ bins: f.bins, mode: r.mode });
        cal.fit(f.fitProbs, f.fitLabels);
        const got = outputOf(cal.calibrate(f.testProbs)).flat();
        const want = (r.output as number[] | number[][]).flat();
        expect(got).toHaveLength(want.length);
        // Histogram binning is exact; scaling-binning inherits scikit-learn's looser L-BFGS Platt fit.
        const tol = r.kind === 'histogram' ? 1e-12 : 1e-4;
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        expect(worst).toBeLessThanOrEqual(tol);
        // JSON round trip gives identical outputs.
        const back = r.kind === 'histogram' ? HistogramBinning.fromJSON(JSON.parse(JSON.stringify(cal))) : ScalingBinning.fromJSON(JSON.parse(JSON.stringify(cal)));
        expect(outputOf(back.calibrate(f.testProbs))).toEqual(outputOf(cal.calibrate(f.testProbs)));
      });
    }
    if (f.plattTop) {
      it(`${f.name}: Platt parameters agree with scikit-learn`, () => {
        const top = f.fitProbs.map((r) => Math.max(...r));
        const pred = f.fitProbs.map((r) => r.indexOf(Math.max(...r)));
        const p = fitPlatt(top, correctness(pred, f.fitLabels));
        expect(Math.abs(p.a - f.plattTop!.a)).toBeLessThan(1e-3 * Math.abs(f.plattTop!.a));
        expect(Math.abs(p.b - f.plattTop!.b)).toBeLessThan(1e-3 * Math.abs(f.plattTop!.b));
      });
    }
  }
});

describe('recalibrators', () => {
  const c = fx.cases.find((x) => x.name === 'overconfident-k10')!;
  const probs = c.probs as number[][];

  it('top-label outputs feed the 1-D metrics and reduce calibration error on held-out data', () => {
    const h = 150;
    for (const cal of [new HistogramBinning({ bins: 5 }), new ScalingBinning({ bins: 5 })]) {
      cal.fit(probs.slice(0, h), c.labels.slice(0, h));
      const out = cal.calibrate(probs.slice(h));
      if (out.kind !== 'top-label') throw new Error('expected top-label output');
      const correct = correctness(out.predictions, c.labels.slice(h));
      const before = calibrationError(probs.slice(h), c.labels.slice(h), { mode: 'top-label', debias: false });
      const after = calibrationError(out.confidences, correct, { debias: false });
      expect(after).toBeLessThan(before);
    }
  });

  it('scaling-binning with a temperature scaler works on logits', () => {
    const logits = probs.map((r) => r.map((v) => Math.log(Math.max(v, 1e-12))));
    const sb = new ScalingBinning({ bins: 8, scaler: 'temperature', mode: 'marginal' }).fit(logits, c.labels);
    const out = sb.calibrate(logits);
    if (out.kind !== 'marginal') throw new Error('expected marginal output');
    expect(out.probs).toHaveLength(probs.length);
    // Finitely many output values per class: at most `bins`.
    expect(new Set(out.probs.map((r) => r[0])).size).toBeLessThanOrEqual(8);
    const json = JSON.parse(JSON.stringify(sb));
    expect(json.temperature).toBeGreaterThan(1);
    expect(ScalingBinning.fromJSON(json).calibrate(logits)).toEqual(out);
  });

  it('binary 1-D inputs give binary outputs; layout mismatches and misuse are refused', () => {
    const q = fx.cases.find((x) => x.name === 'binary-1d')!;
    const hb = new HistogramBinning({ bins: 4 }).fit(q.probs, q.labels);
    const out = hb.calibrate(q.probs);
    expect(out.kind).toBe('binary');
    expect(() => hb.calibrate(probs)).toThrow(/fitted on 1-D binary probabilities but got 10 classes/);
    expect(() => new HistogramBinning().calibrate(probs)).toThrow(/before fit/);
    expect(() => new HistogramBinning({ bins: 0 })).toThrow(/bins must be/);
    expect(() => HistogramBinning.fromJSON({ type: 'histogram-binning', version: 2 })).toThrow(/unsupported version 2/);
    expect(() => new ScalingBinning().fit([[0.5, 0.5]], [0])).toThrow(/at least 2 examples/);
  });
});
