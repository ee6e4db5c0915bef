import { describe, expect, it } from 'vitest';
import { accuracy, brier, nll } from './scores.js';
import { close, loadFixtures } from './test-fixtures.js';

const fx = loadFixtures();

describe('brier / nll / accuracy against numpy', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      expect(close(brier(c.probs, c.labels), c.scores.brier)).toBe(true);
      expect(accuracy(c.probs, c.labels)).toBe(c.scores.accuracy);
      if (c.scores.nll === 'Infinity') expect(nll(c.probs, c.labels)).toBe(Infinity);
      else expect(close(nll(c.probs, c.labels), c.scores.nll)).toBe(true);
    });
  }
});

describe('scores from logits', () => {
  const logits = [
    [2, -1, 0.5],
    [-800, 0, 800],
    [0.1, 0.1, -3],
  ];
  const labels = [0, 0, 1];
  it('nll uses a stable log-softmax (finite where softmax underflows)', () => {
    const v = nll(logits, labels, { fromLogits: true });
    expect(Number.isFinite(v)).toBe(true);
    // Row 2 contributes 1600 nats (log-softmax of -800 vs 800).
    expect(v).toBeGreaterThan(1600 / 3);
    const small = [[2, -1, 0.5], [0.1, 0.1, -3]];
    const probs = small.map((r) => {
      const e = r.map(Math.exp);
      const s = e.reduce((a, b) => a + b);
      return e.map((x) => x / s);
    });
    expect(close(nll(small, [0, 1], { fromLogits: true }), nll(probs, [0, 1]))).toBe(true);
  });
  it('binary logits: nll of sigmoid, accuracy thresholds at 0', () => {
    const z = [3, -2, 0.5];
    const y = [1, 1, 0];
    const p = z.map((v) => 1 / (1 + Math.exp(-v)));
    expect(close(nll(z, y, { fromLogits: true }), nll(p, y))).toBe(true);
    expect(accuracy(z, y, { fromLogits: true })).toBe(accuracy(p, y));
  });
  it('accuracy breaks ties on the first class like numpy argmax', () => {
    expect(accuracy([[0.5, 0.5], [0.5, 0.5]], [0, 1])).toBe(0.5);
    expect(accuracy([0.5, 0.5], [0, 1])).toBe(0.5);
  });
  it('nll eps clips a zero probability', () => {
    expect(nll([[1, 0]], [1])).toBe(Infinity);
    expect(close(nll([[1, 0]], [1], { eps: 1e-12 }), -Math.log(1e-12))).toBe(true);
  });
});
