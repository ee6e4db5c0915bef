import { describe, expect, it } from 'vitest';
import { corrupt } from '../corrupt.js';
import type { CorruptionName } from '../names.js';
import { cifarInputs, cifarStats } from './test-fixtures.js';

// The random corruptions cannot match numpy's stream, so their distribution is compared: for one
// CIFAR-10 test image, the mean and the standard deviation of (corrupted − clean) over 100 seeds,
// against the same statistics of the reference over 100 numpy seeds (fixtures/cifar-stats.json).
const DRAWS = 100;
const Z_LIMIT = 5; // 110 comparisons: a 5σ miss by chance is ~1 in 30,000 per run

function diffStats(name: CorruptionName, severity: number): { mean: number; meanSd: number; std: number; stdSd: number } {
  const clean = cifarInputs()[0];
  const means: number[] = [];
  const stds: number[] = [];
  for (let k = 0; k < DRAWS; k++) {
    const out = corrupt(clean, name, severity, { seed: 7_000 + k }).image;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < out.length; i++) {
      const d = out[i] - clean.image[i];
      sum += d;
      sumSq += d * d;
    }
    const mean = sum / out.length;
    means.push(mean);
    stds.push(Math.sqrt(Math.max(0, sumSq / out.length - mean * mean)));
  }
  const avg = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const sd = (v: number[]): number => Math.sqrt(v.reduce((a, b) => a + (b - avg(v)) ** 2, 0) / (v.length - 1));
  return { mean: avg(means), meanSd: sd(means), std: avg(stds), stdSd: sd(stds) };
}

/** |a − b| in units of the standard error of the difference of two means of 100 draws each. */
function zScore(ours: number, oursSd: number, ref: number, refSd: number, refDraws: number): number {
  const se = Math.sqrt((oursSd * oursSd) / DRAWS + (refSd * refSd) / refDraws);
  // a floor for corruptions whose statistic barely varies: 0.02 of a grey level
  return Math.abs(ours - ref) / Math.max(se, 0.02);
}

describe('random corruptions follow the reference distribution (CIFAR table)', () => {
  for (const [name, perSeverity] of Object.entries(cifarStats())) {
    it(`${name}: mean and std of (corrupted − clean) per severity match make_cifar_c.py`, () => {
      for (const ref of perSeverity) {
        const ours = diffStats(name as CorruptionName, ref.severity);
        const zMean = zScore(ours.mean, ours.meanSd, ref.mean, ref.meanSd, ref.draws);
        const zStd = zScore(ours.std, ours.stdSd, ref.std, ref.stdSd, ref.draws);
        expect({ severity: ref.severity, zMean: zMean < Z_LIMIT, zStd: zStd < Z_LIMIT, ours, ref }).toMatchObject({ zMean: true, zStd: true });
      }
    });
  }
});
