import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { apgd, fab, pgd, square } from './index.js';
import { loadFixture } from '../test/fixture.js';
import { perturbationNorms } from '../test/metrics.js';
import { probeBackends } from '../test/backends.js';
import { fixtureOnBackend } from '../test/fixture-setup.js';

const fx = loadFixture();
const backends = await probeBackends();

describe.each([...backends.entries()])('EOT, Square and FAB on %s', (backend, unavailable) => {
  const on = fixtureOnBackend(backend, unavailable, fx);

  it.skipIf(unavailable !== null)('eot without a transform on a deterministic model is the plain attack (mean of 2 equal gradients)', async () => {
    for (const attack of [apgd, pgd] as const) {
      const plain = await attack(on.model.classifier, on.images, fx.labels, { eps: 8 / 255, steps: 5 });
      const eot = await attack(on.model.classifier, on.images, fx.labels, { eps: 8 / 255, steps: 5, eot: { samples: 2 } });
      expect(Array.from(await eot.adversarial.data())).toEqual(Array.from(await plain.adversarial.data()));
      tf.dispose([plain.adversarial, eot.adversarial]);
    }
  });

  it.skipIf(unavailable !== null)('eot with a transform averages samples× passes through it, seeded, without leaks', async () => {
    let calls = 0;
    const transform = (x: tf.Tensor4D, rng: { uniform(): number }): tf.Tensor4D => {
      calls++;
      return tf.add(x, rng.uniform() * 0.05);
    };
    const before = tf.memory().numTensors;
    const a = await apgd(on.model.classifier, on.images, fx.labels, { eps: 8 / 255, steps: 4, seed: 3, eot: { samples: 3, transform } });
    expect(calls).toBe(3 * 5); // the start and 4 steps, 3 samples each
    const b = await apgd(on.model.classifier, on.images, fx.labels, { eps: 8 / 255, steps: 4, seed: 3, eot: { samples: 3, transform } });
    const plain = await apgd(on.model.classifier, on.images, fx.labels, { eps: 8 / 255, steps: 4, seed: 3 });
    const [va, vb, vp] = await Promise.all([a, b, plain].map((r) => r.adversarial.data()));
    expect(Array.from(va)).toEqual(Array.from(vb));
    expect(Array.from(va)).not.toEqual(Array.from(vp));
    tf.dispose([a.adversarial, b.adversarial, plain.adversarial]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(unavailable !== null)('square needs only forward passes: it runs on a host-computed classifier without gradients', async () => {
    // The logits leave the tape (dataSync → new tensor): no gradient could reach the images.
    const hostOnly = (x: tf.Tensor4D): tf.Tensor2D => {
      const z = on.model.classifier(x);
      const v = z.dataSync();
      z.dispose();
      return tf.tensor2d(v, [x.shape[0], 10]);
    };
    await expect(apgd(hostOnly, on.images, fx.labels, { eps: 8 / 255, steps: 2 })).rejects.toThrow(/does not depend on its input/);
    const before = tf.memory().numTensors;
    for (const norm of ['linf', 'l2'] as const) {
      const eps = norm === 'linf' ? 8 / 255 : 0.5;
      const r = await square(hostOnly, on.images, fx.labels, { norm, eps, nQueries: 50, seed: 1 });
      const again = await square(hostOnly, on.images, fx.labels, { norm, eps, nQueries: 50, seed: 1 });
      expect(Array.from(await r.adversarial.data())).toEqual(Array.from(await again.adversarial.data()));
      const norms = await perturbationNorms(r.adversarial, on.images, norm);
      expect(Math.max(...norms)).toBeLessThanOrEqual(eps + 1e-5);
      expect(r.success.some(Boolean)).toBe(true);
      tf.dispose([r.adversarial, again.adversarial]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(unavailable !== null)('square rejects bad options with clear errors', async () => {
    const before = tf.memory().numTensors;
    await expect(square(on.model.classifier, on.images, fx.labels, { eps: -1 })).rejects.toThrow(/square: eps must be a finite number ≥ 0/);
    await expect(square(on.model.classifier, on.images, fx.labels, { eps: 0.03, pInit: 0 })).rejects.toThrow(/pInit must be in \(0, 1\]/);
    await expect(square(on.model.classifier, on.images, fx.labels, { eps: 0.03, nQueries: 1.5 })).rejects.toThrow(/nQueries must be an integer/);
    const small = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    await expect(square(on.model.classifier, small, [0], { eps: 0.1, norm: 'l2' })).rejects.toThrow(/at least 5×5/);
    small.dispose();
    const bright = tf.mul(on.images, 255) as tf.Tensor4D;
    await expect(square(on.model.classifier, bright, fx.labels, { eps: 0.03 })).rejects.toThrow(/must lie in bounds \[0, 1\]/);
    bright.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(unavailable !== null)('fab rejects bad options with clear errors and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    await expect(fab(on.model.classifier, on.images, fx.labels, { eps: -1 })).rejects.toThrow(/fab: eps must be a finite number ≥ 0/);
    await expect(fab(on.model.classifier, on.images, fx.labels, { eps: 0.03, targeted: true, nTargetClasses: 10 })).rejects.toThrow(/nTargetClasses = 10 must be below the number of classes \(10\)/);
    await expect(fab(on.model.classifier, on.images, fx.labels, { eps: 0.03, bounds: [-1, 1] })).rejects.toThrow(/bounds must be \[0, 1\]/);
    await expect(fab(on.model.classifier, on.images, fx.labels, { eps: 0.03, targets: fx.targets } as never)).rejects.toThrow(/takes no targets/);
    const r = await fab(on.model.classifier, on.images, fx.labels, { eps: 8 / 255, steps: 3, restarts: 2, seed: 4 });
    const norms = await perturbationNorms(r.adversarial, on.images, 'linf');
    expect(Math.max(...norms)).toBeLessThanOrEqual(8 / 255 + 1e-5);
    r.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
