import { describe, expect, it } from 'vitest';
import { corrupt } from '../corrupt.js';
import type { CorruptionName } from '../names.js';
import type { RgbImage } from '../types.js';
import { cifarInputs, imagenetInput, loadStats } from './test-fixtures.js';

// The random corruptions cannot match numpy's stream, so their distribution is compared: for one
// CIFAR-10 test image, the mean and the standard deviation of (corrupted − clean) over 100 seeds,
// against the same statistics of the reference over 100 numpy seeds (fixtures/cifar-stats.json);
// for the 224×224 image, 16 seeds of each side at severities 2 and 5 (imagenet-stats.json).
const Z_LIMIT = 5; // 142 comparisons: a 5σ miss by chance is ~1 in 12,000 per run

function diffStats(clean: RgbImage, name: CorruptionName, severity: number, draws: number): { mean: number; meanSd: number; std: number; stdSd: number } {
  const means: number[] = [];
  const stds: number[] = [];
  for (let k = 0; k < draws; k++) {
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

/** |a − b| in units of the standard error of the difference of the two means. */
function zScore(ours: number, oursSd: number, draws: number, ref: number, refSd: number, refDraws: number): number {
  const se = Math.sqrt((oursSd * oursSd) / draws + (refSd * refSd) / refDraws);
  // a floor for corruptions whose statistic barely varies: 0.02 of a grey level
  return Math.abs(ours - ref) / Math.max(se, 0.02);
}

describe.each([
  ['CIFAR', 'cifar-stats.json', (): RgbImage => cifarInputs()[0]],
  ['ImageNet', 'imagenet-stats.json', imagenetInput],
] as const)('random corruptions follow the reference distribution (%s table)', (_label, file, input) => {
  for (const [name, perSeverity] of Object.entries(loadStats(file))) {
    it(`${name}: mean and std of (corrupted − clean) per severity match the reference`, () => {
      const clean = input();
      for (const ref of perSeverity) {
        const ours = diffStats(clean, name as CorruptionName, ref.severity, ref.draws);
        const zMean = zScore(ours.mean, ours.meanSd, ref.draws, ref.mean, ref.meanSd, ref.draws);
        const zStd = zScore(ours.std, ours.stdSd, ref.draws, ref.std, ref.stdSd, ref.draws);
        expect({ severity: ref.severity, zMean: zMean < Z_LIMIT, zStd: zStd < Z_LIMIT, ours, ref }).toMatchObject({ zMean: true, zStd: true });
      }
    });
  }
});
