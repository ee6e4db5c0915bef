import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classifier } from '@cnn/backend';
import { apgd, fgsm, fgsmRandomStart, pgd, type AttackResult } from './index.js';
import { probeBackends, tryBackend } from '../test/backends.js';
import { testBatch, trainedTinyCnn, trainedWeights } from '../test/cifar-model.js';
import { ceLoss, minMax, perturbationNorms, predictions, rowEqual } from '../test/metrics.js';

// Properties of the attacks on a real (tiny, CIFAR-10-trained) CNN, on every available backend.
const backends = await probeBackends();
const N = 32;
const EPS = 2 / 255;
const L2_EPS = 0.25;
/** Random starts of the first backend tested, compared with the others'. */
const startsSeen = new Map<string, Float32Array>();

describe.each([...backends.entries()])('attacks on a tiny CIFAR-10 CNN (%s)', (backend, unavailable) => {
  const run = it.skipIf(unavailable !== null);
  let classifier: Classifier;
  let weights: tf.Tensor[];
  let weightValues: Float32Array[];
  let images: tf.Tensor4D;
  let labels: tf.Tensor1D;
  let labelArray: number[];
  let imageValues: Float32Array;
  let before = 0;

  beforeAll(async () => {
    if (unavailable) return;
    await trainedWeights(); // trained once per process on cpu
    await tryBackend(backend);
    const model = await trainedTinyCnn(); // the same weights, on this backend
    classifier = model.classifier;
    weights = model.weights;
    weightValues = await Promise.all(weights.map(async (w) => Float32Array.from(await w.data())));
    ({ images, labels } = testBatch(N));
    labelArray = Array.from(await labels.data());
    imageValues = Float32Array.from(await images.data());
    before = tf.memory().numTensors;
  });

  afterAll(async () => {
    if (unavailable) return;
    // Gradients flowed to the inputs only: the weights are bit-for-bit what they were.
    const after = await Promise.all(weights.map(async (w) => Float32Array.from(await w.data())));
    after.forEach((w, i) => expect(w).toEqual(weightValues[i]));
    // Inputs are never modified.
    expect(Float32Array.from(await images.data())).toEqual(imageValues);
    // Nothing leaked over the whole suite.
    expect(tf.memory().numTensors).toBe(before);
    [...weights, images, labels].forEach((t) => t.dispose());
  });

  /** Runs an attack and checks it leaves only its result behind. */
  async function noLeak(f: () => Promise<AttackResult>): Promise<AttackResult> {
    const n0 = tf.memory().numTensors;
    const r = await f();
    expect(tf.memory().numTensors).toBe(n0 + 1);
    expect(r.adversarial.shape).toEqual(images.shape);
    expect(r.success).toHaveLength(N);
    const [lo, hi] = await minMax(r.adversarial);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    // success is what the classifier says about the returned images.
    const pred = await predictions(classifier, r.adversarial);
    expect(r.success).toEqual(Array.from(pred, (p, i) => p !== labelArray[i]));
    return r;
  }

  run('the model is better than chance on clean test images', async () => {
    const pred = await predictions(classifier, images);
    const acc = pred.filter((p, i) => p === labelArray[i]).length / N;
    expect(acc).toBeGreaterThan(0.15);
  });

  run('FGSM and FGSM-RS stay in the L∞ ball and in bounds', async () => {
    for (const attack of [
      () => fgsm(classifier, images, labels, { eps: EPS }),
      () => fgsmRandomStart(classifier, images, labels, { eps: EPS, seed: 3 }),
    ]) {
      const r = await noLeak(attack);
      const norms = await perturbationNorms(r.adversarial, images, 'linf');
      norms.forEach((v) => expect(v).toBeLessThanOrEqual(EPS + 1e-6));
      r.adversarial.dispose();
    }
  });

  run('PGD L∞: ‖δ‖∞ ≤ ε for every example, in bounds; PGD loss ≥ FGSM loss on average', async () => {
    const r = await noLeak(() => pgd(classifier, images, labels, { eps: EPS, stepSize: EPS / 4, steps: 10, seed: 1 }));
    const norms = await perturbationNorms(r.adversarial, images, 'linf');
    norms.forEach((v) => expect(v).toBeLessThanOrEqual(EPS + 1e-6));
    const f = await fgsm(classifier, images, labels, { eps: EPS });
    const lossPgd = await ceLoss(classifier, r.adversarial, labelArray);
    const lossFgsm = await ceLoss(classifier, f.adversarial, labelArray);
    const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(lossPgd)).toBeGreaterThanOrEqual(mean(lossFgsm));
    r.adversarial.dispose();
    f.adversarial.dispose();
  });

  run('PGD L2: ‖δ‖₂ ≤ ε for every example, in bounds', async () => {
    const r = await noLeak(() => pgd(classifier, images, labels, { norm: 'l2', eps: L2_EPS, stepSize: L2_EPS / 4, steps: 10, seed: 2 }));
    const norms = await perturbationNorms(r.adversarial, images, 'l2');
    norms.forEach((v) => expect(v).toBeLessThanOrEqual(L2_EPS * (1 + 1e-5)));
    expect(Math.max(...norms)).toBeGreaterThan(L2_EPS * 0.5); // it did move
    r.adversarial.dispose();
  });

  run('random starts are the same on every backend (drawn on the host from the seed)', async () => {
    for (const norm of ['linf', 'l2'] as const) {
      const r = await pgd(classifier, images, labels, { norm, eps: norm === 'linf' ? EPS : L2_EPS, steps: 0, seed: 21 });
      const v = Float32Array.from(await r.adversarial.data());
      r.adversarial.dispose();
      const first = startsSeen.get(norm);
      if (first) {
        // clip(x + δ): one correctly rounded float32 add, so bit-for-bit the same everywhere.
        expect(v).toEqual(first);
      } else startsSeen.set(norm, v);
    }
  });

  run('measureSuccess: false gives the same images without the final forward pass', async () => {
    const opts = { eps: EPS, steps: 2, seed: 3 };
    let calls = 0;
    const counted: Classifier = (x) => {
      calls++;
      return classifier(x);
    };
    for (const [attack, o] of [
      [pgd, opts],
      [fgsmRandomStart, { eps: EPS, seed: 3 }],
      [fgsm, { eps: EPS }],
      [apgd, { eps: EPS, steps: 1, seed: 3 }],
    ] as const) {
      calls = 0;
      const a = await attack(counted, images, labels, o);
      const withFinal = calls;
      calls = 0;
      const n0 = tf.memory().numTensors;
      const b = await attack(counted, images, labels, { ...o, measureSuccess: false });
      expect(calls, `${attack.name}: classifier calls`).toBe(withFinal - 1);
      expect(tf.memory().numTensors).toBe(n0 + 1);
      expect(b.success).toEqual([]);
      expect(await b.adversarial.data()).toEqual(await a.adversarial.data());
      tf.dispose([a.adversarial, b.adversarial]);
    }
  });

  run('the same seed gives the same result; another seed another start', async () => {
    const a = await pgd(classifier, images, labels, { eps: EPS, steps: 2, seed: 7 });
    const b = await pgd(classifier, images, labels, { eps: EPS, steps: 2, seed: 7 });
    const c = await pgd(classifier, images, labels, { eps: EPS, steps: 2, seed: 8 });
    const [av, bv, cv] = await Promise.all([a, b, c].map((r) => r.adversarial.data()));
    expect(bv).toEqual(av);
    expect(cv).not.toEqual(av);
    [a, b, c].forEach((r) => r.adversarial.dispose());
  });

  for (const norm of ['linf', 'l2'] as const) {
    run(`restarts (${norm}) are never worse than one run, per example`, async () => {
      const eps = norm === 'linf' ? EPS / 4 : L2_EPS / 4; // weak enough that not everything is fooled
      const opts = { norm, eps, steps: 4, seed: 5, stepSize: eps / 2 };
      const one = await pgd(classifier, images, labels, opts);
      const three = await noLeak(() => pgd(classifier, images, labels, { ...opts, restarts: 3 }));
      const l1 = await ceLoss(classifier, one.adversarial, labelArray);
      const l3 = await ceLoss(classifier, three.adversarial, labelArray);
      for (let i = 0; i < N; i++) {
        if (one.success[i]) expect(three.success[i]).toBe(true);
        else if (!three.success[i]) expect(l3[i]).toBeGreaterThanOrEqual(l1[i]);
      }
      // The ball constraint still holds for the mixture of runs.
      const norms = await perturbationNorms(three.adversarial, images, norm);
      norms.forEach((v) => expect(v).toBeLessThanOrEqual(norm === 'linf' ? eps + 1e-6 : eps * (1 + 1e-5)));
      one.adversarial.dispose();
      three.adversarial.dispose();
    });
  }

  run('targeted PGD (CE and margin) hits its targets far more often than chance', async () => {
    const targets = labelArray.map((y, i) => (y + 1 + (i % 9)) % 10);
    for (const loss of ['ce', 'margin'] as const) {
      const r = await pgd(classifier, images, labels, { eps: 4 / 255, stepSize: 1 / 255, steps: 10, targets, loss, seed: 4 });
      const pred = await predictions(classifier, r.adversarial);
      expect(r.success).toEqual(Array.from(pred, (p, i) => p === targets[i]));
      const hit = r.success.filter(Boolean).length / N;
      expect(hit).toBeGreaterThan(0.3); // chance is 0.1
      r.adversarial.dispose();
    }
  });

  run('margin loss: untargeted PGD on the CW margin fools at least as often as FGSM', async () => {
    const r = await noLeak(() => pgd(classifier, images, labels, { eps: EPS / 2, steps: 10, loss: 'margin', seed: 9 }));
    const f = await fgsm(classifier, images, labels, { eps: EPS / 2 });
    expect(r.success.filter(Boolean).length).toBeGreaterThanOrEqual(f.success.filter(Boolean).length);
    r.adversarial.dispose();
    f.adversarial.dispose();
  });

  for (const norm of ['linf', 'l2'] as const) {
    run(`earlyStop (${norm}): same successes as "fooled at some iterate", untouched rows identical`, async () => {
      const eps = norm === 'linf' ? EPS / 4 : L2_EPS / 4;
      const opts = { norm, eps, stepSize: eps / 2, steps: 4, seed: 6 };
      const early = await noLeak(() => pgd(classifier, images, labels, { ...opts, earlyStop: true }));
      // Without early stop, run k steps for every k (same seed, so the iterates are prefixes of
      // one trajectory) and record which examples were fooled at some iterate.
      const ever = new Array<boolean>(N).fill(false);
      let last: AttackResult | undefined;
      for (let k = 0; k <= opts.steps; k++) {
        last?.adversarial.dispose();
        last = await pgd(classifier, images, labels, { ...opts, steps: k });
        last.success.forEach((s, i) => s && (ever[i] = true));
      }
      expect(early.success).toEqual(ever);
      const fooled = early.success.filter(Boolean).length;
      expect(fooled).toBeGreaterThan(0);
      expect(fooled).toBeLessThan(N); // both kinds of rows are exercised
      const [e, f] = await Promise.all([early.adversarial.data(), last!.adversarial.data()]);
      const per = e.length / N;
      for (let i = 0; i < N; i++) if (!early.success[i]) expect(rowEqual(e, f, i, per)).toBe(true);
      last!.adversarial.dispose();
      early.adversarial.dispose();
    });
  }

  run('sign(0) = 0: pixels the model ignores are never changed', async () => {
    // Blue channel zeroed before the model: its gradient is exactly 0.
    const mask = tf.tensor1d([1, 1, 0]);
    const redGreen: Classifier = (x) => tf.tidy(() => classifier(tf.mul(x, mask) as tf.Tensor4D));
    for (const attack of [
      () => fgsm(redGreen, images, labels, { eps: EPS }),
      () => pgd(redGreen, images, labels, { eps: EPS, randomStart: false, steps: 3 }),
    ]) {
      const r = await attack();
      const [a, x] = await Promise.all([r.adversarial.data(), images.data()]);
      let changedBlue = 0;
      let changedOther = 0;
      for (let j = 0; j < a.length; j++) if (a[j] !== x[j]) (j % 3 === 2 ? changedBlue++ : changedOther++);
      expect(changedBlue).toBe(0);
      expect(changedOther).toBeGreaterThan(0);
      r.adversarial.dispose();
    }
    mask.dispose();
  });

  for (const norm of ['linf', 'l2'] as const) {
    run(`APGD-CE (${norm}): in the ball, in bounds, at least as strong as FGSM/PGD-1; misclassified images returned as they are`, async () => {
      const eps = norm === 'linf' ? EPS / 4 : L2_EPS / 4;
      const r = await noLeak(() => apgd(classifier, images, labels, { norm, eps, steps: 10, seed: 1 }));
      const norms = await perturbationNorms(r.adversarial, images, norm);
      norms.forEach((v) => expect(v).toBeLessThanOrEqual(norm === 'linf' ? eps + 1e-6 : eps * (1 + 1e-5)));
      const base = await pgd(classifier, images, labels, { norm, eps, steps: 1, stepSize: eps, randomStart: false });
      expect(r.success.filter(Boolean).length).toBeGreaterThanOrEqual(base.success.filter(Boolean).length);
      const clean = await predictions(classifier, images);
      const [a, x] = await Promise.all([r.adversarial.data(), images.data()]);
      const per = a.length / N;
      for (let i = 0; i < N; i++) if (clean[i] !== labelArray[i]) expect(rowEqual(a, x, i, per)).toBe(true);
      const two = await apgd(classifier, images, labels, { norm, eps, steps: 10, seed: 1, restarts: 2 });
      r.success.forEach((s, i) => s && expect(two.success[i]).toBe(true));
      [r, base, two].forEach((t) => t.adversarial.dispose());
    });
  }
});
