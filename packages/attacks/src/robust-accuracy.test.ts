import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type LabeledBatch } from '@cnn/backend';
import { fgsm, pgd, robustAccuracy, type AttackFn } from './index.js';
import { fixtureModel, loadFixture } from '../test/fixture.js';
import { cifarSample } from '../test/cifar-model.js';
import { predictions } from '../test/metrics.js';

// robustAccuracy over real CIFAR-10 test images (8×8 centre crops, the fixture's tiny model).
// Labels: the model's own prediction for even examples, the true label for odd ones, so both
// clean-correct and clean-wrong examples occur.
const fx = loadFixture();
let model: ReturnType<typeof fixtureModel>;
let images: tf.Tensor4D;
let labels: Int32Array;
const N = 48;

const attacks: Record<string, AttackFn> = {
  fgsm: (c, x, y) => fgsm(c, x, y, { eps: 4 / 255 }),
  pgd: (c, x, y) => pgd(c, x, y, { eps: 4 / 255, steps: 3, seed: 1 }),
};

beforeAll(async () => {
  await initBackend('cpu');
  model = fixtureModel(fx);
  const data = cifarSample('test_batch.bin', 100, N);
  images = tf.tidy(() => tf.slice(tf.tensor4d(data.images, [N, 32, 32, 3]), [0, 12, 12, 0], [N, 8, 8, 3]));
  const pred = await predictions(model.classifier, images);
  labels = Int32Array.from(data.labels, (y, i) => (i % 2 === 0 ? pred[i] : y));
});
afterAll(() => {
  model.weights.forEach((w) => w.dispose());
  images.dispose();
});

function* batches(size: number): Generator<LabeledBatch> {
  for (let i = 0; i < N; i += size) {
    yield {
      images: tf.slice(images, [i, 0, 0, 0], [Math.min(size, N - i), -1, -1, -1]),
      labels: tf.tensor1d(labels.slice(i, i + size), 'int32'),
    };
  }
}

describe('robustAccuracy', () => {
  it('counts clean, per-attack and worst-case correct examples as the attacks themselves say', async () => {
    const before = tf.memory().numTensors;
    const seen: LabeledBatch[] = [];
    const progress: number[] = [];
    async function* stream(): AsyncGenerator<LabeledBatch> {
      for (const b of batches(16)) {
        seen.push(b);
        yield b;
      }
    }
    const report = await robustAccuracy(model.classifier, stream(), attacks, { onProgress: (p) => progress.push(p.batches) });
    expect(progress).toEqual([1, 2, 3]);
    // Batches are disposed (the consumer's duty for LabeledBatch).
    seen.forEach((b) => expect(b.images.isDisposed && b.labels.isDisposed).toBe(true));
    expect(tf.memory().numTensors).toBe(before);

    // Expected counts, computed directly: each attack on the clean-correct examples of each batch.
    let clean = 0;
    const perAttack: Record<string, number> = { fgsm: 0, pgd: 0 };
    let worst = 0;
    for (let i = 0; i < N; i += 16) {
      const x = tf.slice(images, [i, 0, 0, 0], [16, -1, -1, -1]);
      const y = Array.from(labels.slice(i, i + 16));
      const pred = await predictions(model.classifier, x);
      const idx = y.map((_, j) => j).filter((j) => pred[j] === y[j]);
      clean += idx.length;
      const xc = tf.gather(x, idx);
      const robust = idx.map(() => true);
      for (const name of Object.keys(attacks)) {
        const r = await attacks[name](model.classifier, xc as tf.Tensor4D, idx.map((j) => y[j]));
        r.success.forEach((s, k) => (s ? (robust[k] = false) : perAttack[name]++));
        r.adversarial.dispose();
      }
      worst += robust.filter(Boolean).length;
      x.dispose();
      xc.dispose();
    }
    expect(report.counts).toEqual({ total: N, clean, attacks: perAttack, worstCase: worst });
    expect(report.cleanAccuracy).toBeCloseTo(clean / N, 12);
    expect(report.attackAccuracy.pgd).toBeCloseTo(perAttack.pgd / N, 12);
    expect(report.worstCaseAccuracy).toBeCloseTo(worst / N, 12);
    // Sanity of the data: some clean-correct, some wrong, and the attacks do something.
    expect(clean).toBeGreaterThan(10);
    expect(clean).toBeLessThan(N);
    expect(worst).toBeLessThanOrEqual(Math.min(perAttack.fgsm, perAttack.pgd));
    expect(worst).toBeLessThan(clean);
  });

  it('takes a plain iterable, keeps batches when asked, and gives the same counts', async () => {
    const list = [...batches(24)];
    const before = tf.memory().numTensors;
    const a = await robustAccuracy(model.classifier, list, attacks, { disposeBatches: false });
    expect(tf.memory().numTensors).toBe(before);
    list.forEach((b) => expect(b.images.isDisposed).toBe(false));
    const b = await robustAccuracy(model.classifier, batches(16), attacks);
    expect(a.counts).toEqual(b.counts);
    list.forEach((t) => tf.dispose([t.images, t.labels]));
  });

  it('no attacks: worst case is clean accuracy; empty stream gives NaN', async () => {
    const r = await robustAccuracy(model.classifier, batches(48), {});
    expect(r.counts.worstCase).toBe(r.counts.clean);
    const e = await robustAccuracy(model.classifier, [], attacks);
    expect(e.counts.total).toBe(0);
    expect(Number.isNaN(e.cleanAccuracy)).toBe(true);
  });

  it('rejects bad batches and attacks clearly', async () => {
    const bad = [{ images: tf.zeros([4, 8, 8, 3]) as tf.Tensor4D, labels: tf.tensor1d([0, 1], 'int32') }];
    await expect(robustAccuracy(model.classifier, bad, attacks)).rejects.toThrow(/batch 0 labels has 2 entries but images has batch size 4/);
    expect(bad[0].images.isDisposed).toBe(true);
    await expect(robustAccuracy(model.classifier, [], { x: 3 as never })).rejects.toThrow(/attacks.x is not a function/);
  });
});
