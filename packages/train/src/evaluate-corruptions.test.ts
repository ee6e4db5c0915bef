import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { brier, calibrationError, ece, nll } from '@cnn/calibration';
import { createRng, type Classifier } from '@cnn/core';
import type { Dataset } from '@cnn/data';
import { loadCorruptFunction } from './corruption-plan.js';
import type { CorruptFunction, CorruptionEvalOptions } from './corruption-types.js';
import { corruptionErrors, evaluateCorruptions } from './evaluate-corruptions.js';
import { cifarHead, tensorflowElseCpu, tinyModel } from './test-data.js';

beforeAll(async () => {
  await tensorflowElseCpu();
});

// A data set of 4×4 grey images of one byte value each, and a classifier that says "bright" (1) when
// the mean pixel is above 0.5, with confidence growing with the distance: its predictions under a
// brightness shift can be worked out by hand. Every third label is flipped so accuracy is not 1.
// Values and shifts chosen so that no two top-label confidences of a pooled set are near-ties
// (equal-mass bins would then depend on float rounding) and no byte is clamped.
const VALUES = [45, 62, 72, 75, 86, 91, 102, 107, 108, 134, 163, 172];
const label = (j: number): number => ((VALUES[j] >= 128 ? 1 : 0) + (j % 3 === 0 ? 1 : 0)) % 2;
const grey: Dataset = {
  length: VALUES.length,
  classNames: ['dark', 'bright'],
  get: (j) => ({ image: new Uint8Array(48).fill(VALUES[j]), height: 4, width: 4, label: label(j) }),
};
const brightness: Classifier = (x) => tf.tidy(() => {
  const m = tf.mean(x, [1, 2, 3]);
  return tf.stack([tf.mul(tf.sub(0.5, m), 6), tf.mul(tf.sub(m, 0.5), 6)], 1) as tf.Tensor2D;
});
/** "brighten": +9 per severity level; "darken": −11 per level (bytes clamped as uint8 arrays do). */
const shift: CorruptFunction = (x, name, severity) => {
  const d = name === 'brighten' ? 9 * severity : -11 * severity;
  return { image: Uint8ClampedArray.from(x.image, (v) => v + d) as unknown as Uint8Array, height: x.height, width: x.width };
};

/** Host float64 probabilities of the classifier on every example shifted by `d`. */
function hostProbs(d: number): { probs: Float32Array; labels: Int32Array } {
  const probs = new Float32Array(VALUES.length * 2);
  VALUES.forEach((v, j) => {
    const m = Math.min(255, Math.max(0, v + d)) / 255;
    const p1 = 1 / (1 + Math.exp(-12 * (m - 0.5)));
    probs[2 * j] = 1 - p1;
    probs[2 * j + 1] = p1;
  });
  return { probs, labels: Int32Array.from(VALUES, (_, j) => label(j)) };
}
const hostAccuracy = (d: number): number => {
  const { probs, labels } = hostProbs(d);
  return labels.reduce((n, y, j) => n + (Number(probs[2 * j + 1] > probs[2 * j]) === y ? 1 : 0), 0) / labels.length;
};

const base: CorruptionEvalOptions = { corruptions: ['brighten', 'darken'], severities: [1, 3], corrupt: shift, batchSize: 5, keepExample: false };

describe('evaluateCorruptions: accuracy, mCE and calibration under shift against a hand computation', () => {
  it('accuracy per corruption × severity, mean accuracy, clean accuracy', async () => {
    const before = tf.memory().numTensors;
    const r = await evaluateCorruptions(brightness, grey, base);
    expect(tf.memory().numTensors, 'tensors left').toBe(before);
    expect(r.n).toBe(12);
    expect(r.cleanAccuracy).toBeCloseTo(hostAccuracy(0), 12);
    expect(r.accuracy.brighten).toEqual([hostAccuracy(9), hostAccuracy(27)]);
    expect(r.accuracy.darken).toEqual([hostAccuracy(-11), hostAccuracy(-33)]);
    // The shifts change predictions (the test would not notice a skipped corruption otherwise).
    expect(new Set([hostAccuracy(0), hostAccuracy(27), hostAccuracy(-33)]).size).toBe(3);
    const cells = [hostAccuracy(9), hostAccuracy(27), hostAccuracy(-11), hostAccuracy(-33)];
    expect(r.meanAccuracy).toBeCloseTo(cells.reduce((a, b) => a + b) / 4, 12);
  });

  it('calibration per severity: 0 is clean, each severity pools every corruption', async () => {
    const r = await evaluateCorruptions(brightness, grey, base);
    expect(r.calibration.map((c) => c.severity)).toEqual([0, 1, 3]);
    const pooled = (ds: number[]) => {
      const parts = ds.map(hostProbs);
      const probs = new Float32Array(parts.flatMap((p) => Array.from(p.probs)));
      const labels = new Int32Array(parts.flatMap((p) => Array.from(p.labels)));
      const o = { numClasses: 2 };
      return { ece: ece(probs, labels, { ...o, bins: 15 }), top: calibrationError(probs, labels, { ...o, p: 2, debias: true, mode: 'top-label' }), nll: nll(probs, labels, o), brier: brier(probs, labels, o) };
    };
    for (const [i, ds] of [[0], [9, -11], [27, -33]].entries()) {
      const want = pooled(ds);
      const got = r.calibration[i];
      expect(got.ece, `ece at severity ${got.severity}`).toBeCloseTo(want.ece, 5);
      expect(got.calibrationErrorTopLabel).toBeCloseTo(want.top, 5);
      expect(got.nll).toBeCloseTo(want.nll, 5);
      expect(got.brier).toBeCloseTo(want.brier, 5);
    }
    expect(r.calibration[2].nll).toBeGreaterThan(r.calibration[0].nll);
  });

  it('mCE: CE_c = Σ_s E_s,c / Σ_s E^base_s,c, mean over corruptions', async () => {
    const baseline = { errors: { brighten: { 1: 0.5, 3: 0.7 }, darken: { 1: 0.4, 3: 0.9 } } };
    const r = await evaluateCorruptions(brightness, grey, { ...base, baseline });
    const ceBrighten = (1 - hostAccuracy(9) + 1 - hostAccuracy(27)) / 1.2;
    const ceDarken = (1 - hostAccuracy(-11) + 1 - hostAccuracy(-33)) / 1.3;
    expect(r.ce!.brighten).toBeCloseTo(ceBrighten, 12);
    expect(r.ce!.darken).toBeCloseTo(ceDarken, 12);
    expect(r.mce).toBeCloseTo((ceBrighten + ceDarken) / 2, 12);
    expect(corruptionErrors(r, baseline)).toEqual({ ce: r.ce, mce: r.mce });
  });
});

describe('evaluateCorruptions: determinism, limits, examples', () => {
  /** Noise seeded by the seed evaluateCorruptions passes; records every call. */
  const recordingNoise = () => {
    const calls: string[] = [];
    const corrupt: CorruptFunction = (x, name, severity, { seed }) => {
      calls.push(`${x.image[0]}|${name}|${severity}|${seed}`);
      const rng = createRng(seed);
      return { image: Uint8ClampedArray.from(x.image, (v) => v + (rng.uniform() - 0.5) * 80 * severity) as unknown as Uint8Array, height: x.height, width: x.width };
    };
    return { corrupt, calls };
  };

  it('same seed → same numbers; the same images whatever the batch size; each (example, corruption, severity) has its own seed; another seed → other draws', async () => {
    const a = recordingNoise();
    const b = recordingNoise();
    const c = recordingNoise();
    const ra = await evaluateCorruptions(brightness, grey, { ...base, corrupt: a.corrupt, seed: 4, batchSize: 5 });
    expect(await evaluateCorruptions(brightness, grey, { ...base, corrupt: recordingNoise().corrupt, seed: 4, batchSize: 5 })).toEqual(ra);
    const rb = await evaluateCorruptions(brightness, grey, { ...base, corrupt: b.corrupt, seed: 4, batchSize: 12 });
    await evaluateCorruptions(brightness, grey, { ...base, corrupt: c.corrupt, seed: 5 });
    // Another batch size: the same corrupted images (the backend may round batched reductions differently).
    expect([...b.calls].sort()).toEqual([...a.calls].sort());
    expect(rb.accuracy).toEqual(ra.accuracy);
    rb.calibration.forEach((cal, i) => expect(cal.nll).toBeCloseTo(ra.calibration[i].nll, 5));
    const seeds = a.calls.map((s) => s.split('|')[3]);
    expect(new Set(seeds).size).toBe(12 * 2 * 2);
    expect(c.calls.map((s) => s.split('|')[3]).filter((s) => seeds.includes(s))).toEqual([]);
  });

  it('limit evaluates the first N examples; progress counts every image; a kept example holds PNGs of every corruption', async () => {
    const progress: Array<[number, number]> = [];
    const r = await evaluateCorruptions(brightness, grey, { ...base, limit: 7, keepExample: { index: 6 }, onProgress: (d, t) => progress.push([d, t]) });
    expect(r.n).toBe(7);
    expect(progress.at(-1)).toEqual([7 * 5, 7 * 5]);
    expect(r.example).toMatchObject({ index: 6, label: label(6), severity: 3 });
    expect(r.example!.corrupted.map((e) => e.name)).toEqual(['brighten', 'darken']);
    const png = (url: string) => Buffer.from(url.replace('data:image/png;base64,', ''), 'base64');
    for (const url of [r.example!.clean, ...r.example!.corrupted.map((e) => e.image)]) expect(png(url).subarray(1, 4).toString()).toBe('PNG');
    // The darkened image differs from the brightened one.
    expect(r.example!.corrupted[0].image).not.toBe(r.example!.corrupted[1].image);
  });

  it('a tiny ResNet on real CIFAR-10 test images: every cell in [0, 1], no tensor left', async () => {
    const model = tinyModel(2);
    const data = await cifarHead(6, 'test');
    const before = tf.memory().numTensors;
    const r = await evaluateCorruptions(model, data, { corruptions: ['brighten'], severities: [1, 5], corrupt: shift, batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.accuracy.brighten).toHaveLength(2);
    for (const a of [r.cleanAccuracy, ...r.accuracy.brighten]) expect(a >= 0 && a <= 1).toBe(true);
    expect(r.example?.clean.startsWith('data:image/png;base64,')).toBe(true);
    model.dispose();
  });
});

describe('evaluateCorruptions: errors', () => {
  const bad: Array<[Partial<CorruptionEvalOptions>, RegExp]> = [
    [{ corruptions: [] }, /options\.corruptions must be a non-empty array/],
    [{ corruptions: ['a', 'a'] }, /has a name twice/],
    [{ severities: [0, 1] }, /severities must be distinct integers from 1 to 5, got \[0,1\]/],
    [{ severities: [6] }, /from 1 to 5, got \[6\]/],
    [{ limit: 0 }, /options\.limit must be an integer ≥ 1, got 0/],
    [{ baseline: { errors: { brighten: { 1: 0.5, 3: 0.5 }, darken: { 1: 0.5 } } } }, /baseline\.errors\["darken"\]\[3\] must be an error rate in \[0, 1\], got undefined/],
    [{ keepExample: { index: 40 } }, /keepExample\.index 40 is not among the 12/],
  ];
  for (const [extra, message] of bad) {
    it(`${JSON.stringify(extra)} is refused`, async () => {
      await expect(evaluateCorruptions(brightness, grey, { ...base, ...extra })).rejects.toThrow(message);
    });
  }

  it('a corrupt function that fails or returns another size: the error, and no tensor left', async () => {
    const before = tf.memory().numTensors;
    let calls = 0;
    const failing: CorruptFunction = (x) => {
      if (++calls === 3) throw new Error('corruption broke');
      return x;
    };
    await expect(evaluateCorruptions(brightness, grey, { ...base, corrupt: failing })).rejects.toThrow('corruption broke');
    const shrinking: CorruptFunction = (x) => ({ image: x.image.subarray(0, 12), height: 2, width: 2 });
    await expect(evaluateCorruptions(brightness, grey, { ...base, corrupt: shrinking })).rejects.toThrow(/corrupt\(…, "brighten", 1\) returned 2×2 with 12 bytes; expected a 4×4 RGB image/);
    const throwingModel: Classifier = () => {
      throw new Error('model broke');
    };
    await expect(evaluateCorruptions(throwingModel, grey, base)).rejects.toThrow('model broke');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without options.corrupt: corrupt of @cnn/corruptions (real CIFAR-10-C brightness changes the images)', async () => {
    const seen: number[] = [];
    const probe: Classifier = (x) => tf.tidy(() => {
      seen.push(tf.mean(x).dataSync()[0]);
      return brightness(x);
    });
    // The CIFAR-10-C constants are for 32×32 images.
    const grey32: Dataset = { ...grey, get: (j) => ({ image: new Uint8Array(32 * 32 * 3).fill(VALUES[j]), height: 32, width: 32, label: label(j) }) };
    const r = await evaluateCorruptions(probe, grey32, { corruptions: ['brightness'], severities: [5], limit: 4, keepExample: false });
    expect(r.accuracy.brightness).toHaveLength(1);
    // Clean pass, then the brightened pass: CIFAR-10-C brightness raises the mean pixel.
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBeGreaterThan(seen[0] + 0.1);
  });

  it('without options.corrupt: a clear error when @cnn/corruptions cannot be loaded or lacks corrupt', async () => {
    await expect(loadCorruptFunction('@cnn/no-such-package')).rejects.toThrow(/@cnn\/no-such-package could not be loaded .*pass options\.corrupt/);
    await expect(loadCorruptFunction('node:path')).rejects.toThrow(/node:path does not export a corrupt function/);
  });
});

describe('evaluateCorruptions takes corrupt of @cnn/corruptions as options.corrupt', () => {
  it('accepts it (checked by tsc: its name parameter, CorruptionName, is narrower than string)', async () => {
    const { corrupt } = await import('@cnn/corruptions');
    const options: CorruptionEvalOptions = { corruptions: ['fog'], severities: [1], corrupt, batchSize: 5, keepExample: false, limit: 5 };
    expect(options.corrupt).toBe(corrupt);
  });
});
