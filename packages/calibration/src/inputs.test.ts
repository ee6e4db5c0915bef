import { describe, expect, it } from 'vitest';
import { calibrationError } from './calibration-error.js';
import { ece } from './ece.js';
import { brier } from './scores.js';

const good = [
  [0.7, 0.2, 0.1],
  [0.1, 0.8, 0.1],
  [0.3, 0.3, 0.4],
];

describe('bad input gives a clear error', () => {
  it('length mismatch', () => {
    expect(() => ece(good, [0, 1])).toThrow('labels has 2 entries but the predictions have 3 rows');
  });
  it('labels out of range or non-integer', () => {
    expect(() => ece(good, [0, 1, 3])).toThrow('labels[2] = 3 is out of range: expected a class index in [0, 2] (3 classes)');
    expect(() => ece(good, [0, -1, 2])).toThrow(/labels\[1\] = -1 is out of range/);
    expect(() => ece(good, [0, 1.5, 2])).toThrow('labels[1] = 1.5 is not an integer');
    expect(() => ece([0.2, 0.9], [0, 2])).toThrow(/labels\[1\] = 2 is out of range: with 1-D \(binary\) probabilities each label must be 0 or 1/);
  });
  it('NaN / Infinity', () => {
    const bad = good.map((r) => r.slice());
    bad[1][2] = NaN;
    expect(() => ece(bad, [0, 1, 2])).toThrow('probs[1][2] is NaN: expected a finite number');
    bad[1][2] = Infinity;
    expect(() => ece(bad, [0, 1, 2], { fromLogits: true })).toThrow('logits[1][2] is Infinity');
    expect(() => ece([0.1, -Infinity], [0, 1])).toThrow('probs[1] is -Infinity');
  });
  it('values outside [0, 1] and rows not summing to 1', () => {
    expect(() => ece([[1.2, -0.2], [0.5, 0.5]], [0, 1])).toThrow(/probs\[0\]\[0\] = 1.2 is outside \[0, 1\].*fromLogits/);
    expect(() => ece([[0.5, 0.4], [0.5, 0.5]], [0, 1])).toThrow(/row 0 of probs sums to 0.9, expected 1 within sumTolerance = 0.0001/);
    expect(ece([[0.5, 0.4], [0.5, 0.5]], [0, 1], { sumTolerance: 0.2 })).toBeGreaterThanOrEqual(0);
    expect(ece([[0.5, 0.4], [0.5, 0.5]], [0, 1], { sumTolerance: Infinity })).toBeGreaterThanOrEqual(0);
  });
  it('shapes: ragged rows, flat arrays, empty input, tensors', () => {
    expect(() => ece([[0.5, 0.5], [1]], [0, 1])).toThrow('probs[1] has 1 entries, expected 2');
    expect(() => ece(new Float64Array(7), new Int32Array(2), { numClasses: 3 })).toThrow(/7 values, which is not a multiple of numClasses = 3/);
    expect(() => ece([], [])).toThrow('probs is empty');
    expect(() => ece({ shape: [2, 2, 1], dataSync: () => new Float32Array(4) }, [0, 1])).toThrow(/shape \[n, K\] or \[n\]/);
    expect(() => ece(good, [0, 1, 2], { numClasses: 4 })).toThrow(/3 classes per row but numClasses is 4/);
    expect(() => ece('x' as never, [0])).toThrow(/probs must be/);
  });
  it('too few samples', () => {
    expect(() => calibrationError([0.3], [0])).toThrow('calibrationError needs at least 2 examples, got 1');
  });
});

describe('input forms', () => {
  it('fromLogits softmaxes rows (sigmoid for 1-D)', () => {
    const logits = [[2, 0, -1], [0, 1, 0], [-1, -1, 3]];
    const probs = logits.map((r) => {
      const e = r.map(Math.exp);
      const s = e.reduce((a, b) => a + b);
      return e.map((x) => x / s);
    });
    expect(brier(logits, [0, 1, 2], { fromLogits: true })).toBeCloseTo(brier(probs, [0, 1, 2]), 14);
    const z = [2, -1];
    expect(brier(z, [1, 0], { fromLogits: true })).toBeCloseTo(brier(z.map((v) => 1 / (1 + Math.exp(-v))), [1, 0]), 14);
  });
  it('tensor-like inputs via dataSync or arraySync, and typed label arrays', () => {
    const flat = Float64Array.from(good.flat());
    const a = brier(good, [0, 1, 2]);
    expect(brier({ shape: [3, 3], dataSync: () => flat }, Uint8Array.from([0, 1, 2]))).toBe(a);
    expect(brier({ shape: [3, 3], arraySync: () => good }, { shape: [3], dataSync: () => Int32Array.from([0, 1, 2]) })).toBe(a);
    expect(brier(flat, [0, 1, 2], { numClasses: 3 })).toBe(a);
    expect(brier(Array.from(flat), [0, 1, 2], { numClasses: 3 })).toBe(a);
  });
});
