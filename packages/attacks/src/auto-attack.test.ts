import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { autoAttack, type AutoAttackOptions, type AutoAttackState } from './index.js';
import { loadAutoAttackFixture, loadFixture } from '../test/fixture.js';
import { perturbationNorms, predictions } from '../test/metrics.js';
import { probeBackends } from '../test/backends.js';
import { fixtureOnBackend } from '../test/fixture-setup.js';

// The cascade against fra31/auto-attack's own run_standard_evaluation (fixtures/autoattack.json):
// 64 CIFAR-10 crops, the tiny fixture model, apgd-ce → apgd-t → fab-t → square with the reduced
// settings stored there, robust accuracy over five reference seeds.
const fx = loadFixture();
const aa = loadAutoAttackFixture();
const cas = aa.cascade;
const backends = await probeBackends();
const quick: AutoAttackOptions = {
  eps: cas.settings.eps,
  version: 'custom',
  attacks: ['apgd-ce', 'apgd-t', 'fab-t', 'square'],
  settings: { steps: cas.settings.steps, nTargetClasses: cas.settings.nTargetClasses, nQueries: cas.settings.nQueries, restarts: 1 },
};

describe.each([...backends.entries()])('autoAttack on %s', (backend, unavailable) => {
  const on = fixtureOnBackend(backend, unavailable, cas, fx);

  // The two whole-cascade tests run on the real backends (wasm, tensorflow) only: on the slow cpu
  // backend they would add half a minute; the attacks themselves are checked there by the parity tests.
  const heavy = unavailable !== null || backend === 'cpu';
  it.skipIf(heavy)("robust accuracy within the reference's spread over its seeds; a consistent stage table", async () => {
    const before = tf.memory().numTensors;
    const r = await autoAttack(on.model.classifier, on.images, cas.labels, { ...quick, seed: 0 });
    const [lo, hi] = [Math.min(...cas.withFab.robustAccuracy), Math.max(...cas.withFab.robustAccuracy)];
    expect(r.robustAccuracy).toBeGreaterThanOrEqual(lo);
    expect(r.robustAccuracy).toBeLessThanOrEqual(hi);
    expect(r.cleanAccuracy).toBe(56 / 64);
    expect(r.stages.map((s) => s.attack)).toEqual(['apgd-ce', 'apgd-t', 'fab-t', 'square']);
    let previous = r.cleanAccuracy;
    for (const s of r.stages) {
      expect(s.robustAccuracy).toBe(previous - s.broken / 64);
      previous = s.robustAccuracy;
    }
    expect(r.stages[3].robustAccuracy).toBe(r.robustAccuracy);
    // Every example counted as broken is misclassified on `adversarial`, within ε; robust ones are the clean image.
    const pred = await predictions(on.model.classifier, r.adversarial);
    r.success.forEach((broken, i) => expect(pred[i] !== cas.labels[i]).toBe(broken));
    const norms = await perturbationNorms(r.adversarial, on.images, 'linf');
    expect(Math.max(...norms)).toBeLessThanOrEqual(cas.settings.eps + 1e-5);
    expect(r.maxPerturbation).toBeCloseTo(Math.max(...norms), 6);
    r.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(heavy)('a run resumed from the state written after any batch ends as the uninterrupted one', async () => {
    const images32 = tf.slice(on.images, [0, 0, 0, 0], [32, -1, -1, -1]);
    const labels32 = cas.labels.slice(0, 32);
    const states: AutoAttackState[] = [];
    // 32 images, cheaper settings, batches of 8: several batches per stage.
    const options = { ...quick, settings: { ...quick.settings, steps: 8, nQueries: 40 }, batchSize: 8, seed: 5 };
    const full = await autoAttack(on.model.classifier, images32, labels32, { ...options, onProgress: (p) => states.push(JSON.parse(JSON.stringify(p.state))) });
    full.adversarial.dispose();
    expect(new Set(states.map((s) => s.current?.attack)).size).toBe(5); // clean (none), apgd-ce, apgd-t, fab-t, square
    // One state mid-way through apgd-t (some of its batches done), one between stages.
    const mid = states.find((s) => s.current?.attack === 'apgd-t' && s.current.broken > 0 && s.current.pending.length > 0);
    const between = states.find((s) => s.stages.length === 1 && s.current === null);
    expect(mid).toBeDefined();
    expect(between).toBeDefined();
    for (const state of [mid, between] as AutoAttackState[]) {
      const before = tf.memory().numTensors;
      const resumed = await autoAttack(on.model.classifier, images32, labels32, { ...options, state });
      expect(resumed.success).toEqual(full.success);
      expect(resumed.stages.map((s) => [s.attack, s.robustAccuracy, s.broken])).toEqual(full.stages.map((s) => [s.attack, s.robustAccuracy, s.broken]));
      resumed.adversarial.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    await expect(autoAttack(on.model.classifier, images32, labels32, { ...options, eps: 8 / 255, state: mid })).rejects.toThrow(/state was made with eps 0\.0156.*this run has 0\.031/);
    images32.dispose();
  });

  it.skipIf(unavailable !== null)('versions: standard runs apgd-ce, apgd-t, fab-t, square; rand runs APGD-CE and APGD-DLR with EOT', async () => {
    const few = tf.slice(on.images, [0, 0, 0, 0], [8, -1, -1, -1]);
    const labels = cas.labels.slice(0, 8);
    const standard = await autoAttack(on.model.classifier, few, labels, { eps: 4 / 255, settings: { steps: 3, nQueries: 5, nTargetClasses: 2 } });
    expect(standard.stages.map((s) => s.attack)).toEqual(['apgd-ce', 'apgd-t', 'fab-t', 'square']);
    let calls = 0;
    const rand = await autoAttack(on.model.classifier, few, labels, {
      eps: 4 / 255,
      version: 'rand',
      settings: { steps: 2, eotSamples: 3 },
      eot: { samples: 3, transform: (x) => (calls++, x) },
    });
    expect(rand.stages.map((s) => s.attack)).toEqual(['apgd-ce', 'apgd-dlr']);
    // auto-attack's model checks: a randomised model and probability outputs are flagged.
    const tiny: AutoAttackOptions = { version: 'custom', attacks: ['apgd-ce'], eps: 4 / 255, settings: { steps: 1 } };
    const noisy = await autoAttack((x) => tf.tidy(() => tf.add(on.model.classifier(x), tf.randomNormal([x.shape[0], 10], 0, 0.1))), few, labels, tiny);
    expect(noisy.warnings.join('\n')).toMatch(/randomised defence; use version 'rand'/);
    const soft = await autoAttack((x) => tf.tidy(() => tf.softmax(on.model.classifier(x))), few, labels, tiny);
    expect(soft.warnings.join('\n')).toMatch(/seems to output probabilities/);
    expect(standard.warnings).toEqual([]);
    tf.dispose([noisy.adversarial, soft.adversarial]);
    expect(calls).toBeGreaterThan(0);
    expect(calls % 3).toBe(0);
    tf.dispose([few, standard.adversarial, rand.adversarial]);
  });

  it.skipIf(unavailable !== null)('bad options give clear errors and leave no tensors', async () => {
    const before = tf.memory().numTensors;
    const run = (o: Partial<AutoAttackOptions>, x: tf.Tensor4D = on.images): Promise<unknown> => autoAttack(on.model.classifier, x, cas.labels, { ...quick, ...o } as AutoAttackOptions);
    await expect(run({ eps: -0.1 })).rejects.toThrow(/autoAttack: eps must be a finite number ≥ 0/);
    await expect(run({ version: 'fast' as never })).rejects.toThrow(/version must be one of standard, plus, rand, custom, got fast/);
    await expect(run({ attacks: ['apgd-ce', 'pgd' as never] })).rejects.toThrow(/unknown attack "pgd"/);
    await expect(run({ version: 'standard' })).rejects.toThrow(/attacks is only for version 'custom'/);
    await expect(run({ attacks: ['apgd-ce', 'fab-t'], settings: { nTargetClasses: 12 } })).rejects.toThrow(/nTargetClasses = 12 must be below the number of classes \(10\) for fab-t/);
    await expect(run({ settings: { nTargetClasses: 10 } })).rejects.toThrow(/nTargetClasses = 10 must be below the number of classes \(10\)/);
    await expect(run({ settings: { stepz: 3 } as never })).rejects.toThrow(/unknown setting "stepz"/);
    await expect(run({ batchSize: 0 })).rejects.toThrow(/batchSize must be an integer ≥ 1/);
    await expect(run({ state: { format: 'x' } as never })).rejects.toThrow(/not an AutoAttack state/);
    const bright = tf.mul(on.images, 2) as tf.Tensor4D;
    await expect(run({}, bright)).rejects.toThrow(/images must lie in bounds \[0, 1\]/);
    bright.dispose();
    const throwing = (): tf.Tensor2D => {
      throw new Error('model exploded');
    };
    await expect(autoAttack(throwing, on.images, cas.labels, quick)).rejects.toThrow(/model exploded/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
