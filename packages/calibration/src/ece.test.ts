import { describe, expect, it } from 'vitest';
import { ece, mce } from './ece.js';
import { reliabilityDiagram } from './reliability-diagram.js';
import { close, loadFixtures } from './test-fixtures.js';

const fx = loadFixtures();

describe('ece / mce match the reference (get_ece, get_ece_em, max gap of its bins)', () => {
  for (const c of fx.cases) {
    for (const e of c.ece) {
      it(`${c.name} ece ${JSON.stringify(e.args)}`, () => {
        const v = ece(c.probs, c.labels, e.args);
        expect(close(v, e.value), `${v} vs ${e.value}`).toBe(true);
      });
    }
    for (const e of c.mce) {
      it(`${c.name} mce ${JSON.stringify(e.args)}`, () => {
        const v = mce(c.probs, c.labels, e.args);
        expect(close(v, e.value), `${v} vs ${e.value}`).toBe(true);
      });
    }
  }
});

describe("torchmetrics convention (left-closed bins, separate bin for confidence 1.0)", () => {
  const t = fx.torchmetrics;
  for (const r of t.results) {
    it(`multiclass ${r.bins} bins, norm ${r.norm}: equals torchmetrics _ce_compute, differs from the reference`, () => {
      const opts = { bins: r.bins, convention: 'torchmetrics' as const };
      const v = r.norm === 'l1' ? ece(t.probs, t.labels, opts) : mce(t.probs, t.labels, opts);
      expect(close(v, r.value), `${v} vs ${r.value}`).toBe(true);
      const k = r.norm === 'l1' ? ece(t.probs, t.labels, { bins: r.bins }) : mce(t.probs, t.labels, { bins: r.bins });
      expect(close(k, r.kumar)).toBe(true);
      expect(Math.abs(v - k)).toBeGreaterThan(1e-3);
    });
  }

  it('binary form equals torchmetrics (preds as confidences)', () => {
    const b = t.binary;
    expect(close(ece(b.probs, b.labels, { bins: 10, convention: 'torchmetrics' }), b.l1)).toBe(true);
    expect(close(ece(b.probs, b.labels, { bins: 10 }), b.kumar)).toBe(true);
  });

  it('puts edge values in the upper bin and 1.0 in its own bin', () => {
    const probs = [0.2, 0.2, 1.0, 0.9, 0];
    const labels = [1, 0, 1, 1, 0];
    const tm = reliabilityDiagram(probs, labels, { bins: 5, convention: 'torchmetrics' });
    expect(tm.bins).toHaveLength(6);
    expect(tm.bins.map((b) => b.count)).toEqual([1, 2, 0, 0, 1, 1]);
    expect(tm.bins[5]).toMatchObject({ lower: 1, upper: 1, confidence: 1 });
    const ku = reliabilityDiagram(probs, labels, { bins: 5 });
    expect(ku.bins.map((b) => b.count)).toEqual([3, 0, 0, 0, 2]);
  });

  it('refuses equal-mass bins and marginal mode', () => {
    const p = [[0.3, 0.7], [0.6, 0.4]];
    expect(() => ece(p, [1, 0], { convention: 'torchmetrics', binning: 'equal-mass' })).toThrow(/equal-width/);
    expect(() => ece(p, [1, 0], { convention: 'torchmetrics', mode: 'marginal' })).toThrow(/top-label only/);
  });
});
