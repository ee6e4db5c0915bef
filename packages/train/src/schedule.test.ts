import { describe, expect, it } from 'vitest';
import { learningRateAt, learningRateForStep } from './schedule.js';

describe('learningRateAt', () => {
  it('step: lr·γ^⌊t/stepSize⌋', () => {
    const s = { type: 'step', lr: 0.1, stepSize: 30 } as const;
    expect(learningRateAt(s, 0, 90)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 29.99, 90)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 30, 90)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(s, 65, 90)).toBeCloseTo(0.001, 12);
  });
  it('multistep: γ per milestone passed', () => {
    const s = { type: 'multistep', lr: 0.1, milestones: [100, 150], gamma: 0.2 } as const;
    expect(learningRateAt(s, 99.5, 200)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 120, 200)).toBeCloseTo(0.02, 12);
    expect(learningRateAt(s, 150, 200)).toBeCloseTo(0.004, 12);
  });
  it('cosine: half-way is half, end is minLr; warm-up is linear', () => {
    const s = { type: 'cosine', lr: 0.1 } as const;
    expect(learningRateAt(s, 0, 10)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 5, 10)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(s, 2.5, 10)).toBeCloseTo(0.05 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(learningRateAt(s, 10, 10)).toBeCloseTo(0, 12);
    const w = { type: 'cosine', lr: 0.2, minLr: 0.02, warmupEpochs: 1 } as const;
    expect(learningRateAt(w, 0.25, 11)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(w, 1, 11)).toBeCloseTo(0.2, 12);
    expect(learningRateAt(w, 6, 11)).toBeCloseTo(0.02 + 0.09, 12);
    expect(learningRateAt(w, 11, 11)).toBeCloseTo(0.02, 12);
  });
  it('onecycle peaks at ⌊2·epochs/5⌋ like fast_adversarial', () => {
    const s = { type: 'onecycle', maxLr: 0.2 } as const;
    expect(learningRateAt(s, 0, 15)).toBe(0);
    expect(learningRateAt(s, 3, 15)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 6, 15)).toBeCloseTo(0.2, 12);
    expect(learningRateAt(s, 10.5, 15)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 15, 15)).toBeCloseTo(0, 12);
    // 7 epochs: np.interp peak at 7*2//5 = 2, not 2.8
    expect(learningRateAt(s, 2, 7)).toBeCloseTo(0.2, 12);
  });
  it('piecewise is np.interp, constant outside', () => {
    const s = { type: 'piecewise', points: [[0, 0], [2, 0.2], [5, 0.05]] } as { type: 'piecewise'; points: Array<[number, number]> };
    expect(learningRateAt(s, 1, 5)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 3.5, 5)).toBeCloseTo(0.125, 12);
    expect(learningRateAt(s, 7, 5)).toBeCloseTo(0.05, 12);
  });
  it('rejects bad input with a clear message', () => {
    expect(() => learningRateAt({ type: 'step', lr: 0.1, stepSize: 0 }, 1, 5)).toThrow(/stepSize/);
    expect(() => learningRateAt({ type: 'piecewise', points: [] }, 1, 5)).toThrow(/point/);
    expect(() => learningRateAt({ type: 'cosine', lr: 0.1 }, -1, 5)).toThrow(/epoch/);
  });
});

describe('learningRateForStep (per-iteration convention)', () => {
  it('onecycle is read at the end of the step (fast_adversarial: epoch + (i+1)/len)', () => {
    const s = { type: 'onecycle', maxLr: 0.2 } as const;
    // 5 epochs → peak at 2; step 0 of 10 in epoch 0 → t = 0.1
    expect(learningRateForStep(s, 0, 0, 10, 5)).toBeCloseTo(0.01, 12);
    expect(learningRateForStep(s, 1, 9, 10, 5)).toBeCloseTo(0.2, 12);
  });
  it('decays from the start of the step, warms up to the end of it', () => {
    expect(learningRateForStep({ type: 'cosine', lr: 0.1 }, 0, 0, 100, 10)).toBeCloseTo(0.1, 12);
    expect(learningRateForStep({ type: 'cosine', lr: 0.1, warmupEpochs: 1 }, 0, 0, 4, 10)).toBeCloseTo(0.025, 12);
    expect(learningRateForStep({ type: 'step', lr: 0.1, stepSize: 1 }, 0, 3, 4, 10)).toBeCloseTo(0.1, 12);
    expect(learningRateForStep({ type: 'step', lr: 0.1, stepSize: 1 }, 1, 0, 4, 10)).toBeCloseTo(0.01, 12);
  });
});
