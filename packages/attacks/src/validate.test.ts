import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Classifier } from '@cnn/backend';
import { apgd, fgsm, fgsmRandomStart, perExampleLoss, pgd } from './index.js';
import { f32, fixtureModel, loadFixture } from '../test/fixture.js';

// Bad input gets a clear error, and leaves no tensors behind.
const fx = loadFixture();
let model: ReturnType<typeof fixtureModel>;
let images: tf.Tensor4D;

beforeAll(async () => {
  await initBackend('cpu');
  model = fixtureModel(fx);
  images = tf.tensor4d(f32(fx.images), fx.shape);
});
afterAll(() => {
  model.weights.forEach((w) => w.dispose());
  images.dispose();
});

async function rejects(f: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  await expect(f()).rejects.toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
}

const attacks = {
  fgsm: (c: Classifier, x: tf.Tensor4D, y: unknown, o: object) => fgsm(c, x, y as number[], { eps: 0.03, ...o }),
  fgsmRandomStart: (c: Classifier, x: tf.Tensor4D, y: unknown, o: object) => fgsmRandomStart(c, x, y as number[], { eps: 0.03, ...o }),
  pgd: (c: Classifier, x: tf.Tensor4D, y: unknown, o: object) => pgd(c, x, y as number[], { eps: 0.03, steps: 2, ...o }),
  apgd: (c: Classifier, x: tf.Tensor4D, y: unknown, o: object) => apgd(c, x, y as number[], { eps: 0.03, steps: 2, ...o }),
};

describe.each(Object.entries(attacks))('%s rejects bad input', (name, attack) => {
  it('labels out of range for the classifier (10 classes)', async () => {
    const labels = [...fx.labels];
    labels[3] = 10;
    await rejects(() => attack(model.classifier, images, labels, {}), /labels\[3\] = 10 is out of range: the classifier has 10 classes/);
  });
  it('negative, non-integer or non-numeric labels', async () => {
    await rejects(() => attack(model.classifier, images, fx.labels.map((v, i) => (i === 0 ? -1 : v)), {}), /labels\[0\] = -1 is not a class index/);
    await rejects(() => attack(model.classifier, images, fx.labels.map((v, i) => (i === 1 ? 1.5 : v)), {}), /labels\[1\] = 1.5/);
  });
  it('labels of the wrong length or shape', async () => {
    await rejects(() => attack(model.classifier, images, fx.labels.slice(0, 5), {}), /labels has 5 entries but images has batch size 8/);
    const t = tf.tensor2d([fx.labels], [1, 8], 'int32');
    await rejects(() => attack(model.classifier, images, t, {}), /labels must be rank 1/);
    t.dispose();
  });
  it('eps < 0, NaN or missing', async () => {
    await rejects(() => attack(model.classifier, images, fx.labels, { eps: -0.1 }), /eps must be a finite number ≥ 0.*got -0.1/);
    await rejects(() => attack(model.classifier, images, fx.labels, { eps: NaN }), /eps must be a finite number/);
    await rejects(() => attack(model.classifier, images, fx.labels, { eps: undefined }), /eps must be a finite number/);
  });
  it('images outside the bounds (e.g. 0–255 pixels)', async () => {
    const big = tf.mul(images, 255) as tf.Tensor4D;
    await rejects(() => attack(model.classifier, big, fx.labels, {}), /images must lie in bounds \[0, 1\] \(pixels, not 0–255 nor normalised\), found values in \[[\d.]+, 2\d\d/);
    big.dispose();
    await rejects(() => attack(model.classifier, images, fx.labels, { bounds: [0.2, 0.5] }), /must lie in bounds \[0.2, 0.5\]/);
    await rejects(() => attack(model.classifier, images, fx.labels, { bounds: [1, 0] }), /low < high/);
  });
  it('images of the wrong rank or dtype', async () => {
    const x3 = tf.zeros([8, 8, 3]);
    await rejects(() => attack(model.classifier, x3 as never, fx.labels, {}), /images must be rank 4 NHWC.*got shape \[8, 8, 3\]/);
    x3.dispose();
    const xi = tf.zeros([8, 8, 8, 3], 'int32');
    await rejects(() => attack(model.classifier, xi as tf.Tensor4D, fx.labels, {}), /images must be float32, got int32/);
    xi.dispose();
  });
  it('a classifier whose output does not fit the batch', async () => {
    const wrong: Classifier = (x) => tf.tidy(() => tf.slice(model.classifier(x), [0, 0], [4, 10]));
    await rejects(() => attack(wrong, images, fx.labels, {}), /logits \[8, numClasses\] for 8 images, got shape \[4, 10\]/);
  });
  it('a classifier that throws or returns no tensor (error passed on, nothing leaked)', async () => {
    const throwing: Classifier = (x) => {
      tf.relu(x); // some work recorded on the gradient tape before the failure
      throw new Error('my model failed');
    };
    await rejects(() => attack(throwing, images, fx.labels, {}), /my model failed/);
    const notTensor = (() => [[0, 1]]) as unknown as Classifier;
    await rejects(() => attack(notTensor, images, fx.labels, {}), /classifier must return a tf\.Tensor2D of logits, got object/);
  });
  it('a classifier whose output does not depend on its input (a clear error, nothing leaked)', async () => {
    // A closure over the wrong tensor: the logits are real, but computed from other images.
    const other = tf.clone(images);
    const ignoresInput: Classifier = () => model.classifier(other);
    await rejects(() => attack(ignoresInput, images, fx.labels, {}), new RegExp(`${name}: the classifier's output does not depend on its input`));
    other.dispose();
  });
  it('eps larger than the bounds allow (0–255 units on [0, 1] images)', async () => {
    await rejects(() => attack(model.classifier, images, fx.labels, { eps: 8 }), /eps = 8 is larger than the bounds' range 1 \(bounds \[0, 1\]\); write e.g. 8\/255/);
    await rejects(() => attack(model.classifier, images, fx.labels, { eps: 3, bounds: [-1, 1] }), /eps = 3 is larger than the bounds' range 2 \(bounds \[-1, 1\]\)/);
    // ε in the units of wider bounds is fine.
    const before = tf.memory().numTensors;
    const r = await attack(model.classifier, images, fx.labels, { eps: 8, bounds: [0, 255] });
    r.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  if (name !== 'fgsm') {
    it('initialDelta of another shape', async () => {
      const d = tf.zeros([8, 8, 8, 1]) as tf.Tensor4D;
      await rejects(() => attack(model.classifier, images, fx.labels, { initialDelta: d }), /initialDelta must have the images' shape \[8, 8, 8, 3\], got \[8, 8, 8, 1\]/);
      d.dispose();
    });
  }
});

describe('option checks', () => {
  it('targets out of range or of the wrong length', async () => {
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, steps: 1, targets: fx.targets.map((t, i) => (i === 2 ? 12 : t)) }), /targets\[2\] = 12 is out of range/);
    await rejects(() => fgsm(model.classifier, images, fx.labels, { eps: 0.03, targets: [1, 2] }), /targets has 2 entries but images has batch size 8/);
  });
  it('pgd: steps, restarts, norm, loss, seed/rng', async () => {
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, steps: 1.5 }), /steps must be an integer ≥ 0/);
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, restarts: 0 }), /restarts must be an integer ≥ 1/);
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, restarts: 2, randomStart: false }), /would repeat the same deterministic run/);
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, norm: 'l1' as never }), /norm must be 'linf' or 'l2'/);
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, loss: 'hinge' as never }), /loss must be one of ce, margin, dlr, dlr-targeted, got hinge/);
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, loss: 'dlr', targets: fx.targets }), /'dlr' is untargeted; use 'dlr-targeted'/);
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, loss: 'dlr-targeted' }), /'dlr-targeted' needs targets/);
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, eot: { samples: 0 } }), /eot.samples must be an integer ≥ 1/);
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, stepSize: -1 }), /stepSize must be a finite number ≥ 0/);
  });
  it('step sizes larger than the bounds allow, and L2 radii larger than the image diagonal', async () => {
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 0.03, stepSize: 2 }), /pgd: stepSize = 2 is larger than the bounds' range 1/);
    await rejects(() => fgsmRandomStart(model.classifier, images, fx.labels, { eps: 0.03, stepSize: 2 }), /fgsmRandomStart: stepSize = 2 is larger/);
    // L2: the largest perturbation of an 8×8×3 image in [0, 1] has norm √192 ≈ 13.9.
    await rejects(() => pgd(model.classifier, images, fx.labels, { eps: 20, norm: 'l2', steps: 1 }), /pgd: eps = 20 is larger than the largest L2 distance between two images in the bounds \(13\.86/);
    await rejects(() => apgd(model.classifier, images, fx.labels, { eps: 20, norm: 'l2', steps: 1 }), /apgd: eps = 20 is larger than the largest L2 distance/);
    const r = await pgd(model.classifier, images, fx.labels, { eps: 8, norm: 'l2', steps: 1 });
    r.adversarial.dispose();
  });
  it('apgd: rho outside (0, 1]', async () => {
    for (const rho of [2, 0, -0.5, NaN]) {
      await rejects(() => apgd(model.classifier, images, fx.labels, { eps: 0.03, steps: 2, rho }), /apgd: rho must be in \(0, 1\]/);
    }
    const r = await apgd(model.classifier, images, fx.labels, { eps: 0.03, steps: 2, rho: 1 });
    r.adversarial.dispose();
  });
  it('perExampleLoss: unknown loss names are rejected, naming the known ones', () => {
    const logits = tf.tensor2d([[1, 2, 3], [3, 2, 1]]);
    const classes = tf.tensor1d([0, 1], 'int32');
    const before = tf.memory().numTensors;
    expect(() => perExampleLoss(logits, classes, 'hinge' as never, false)).toThrow(/perExampleLoss: unknown loss "hinge" \(known: ce, margin, dlr, dlr-targeted\)/);
    expect(() => perExampleLoss(logits, classes, 'dlr-targeted', true)).toThrow(/needs at least 4 classes, the logits have 3/);
    expect(() => perExampleLoss(logits, classes, 'dlr', true)).toThrow(/'dlr' is untargeted/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, classes]);
  });
  it('apgd: given targets are refused (APGD-T picks its own); bad loss, nTargetClasses and eot', async () => {
    await rejects(() => apgd(model.classifier, images, fx.labels, { eps: 0.03, targets: fx.targets } as never), /takes no targets/);
    await rejects(() => apgd(model.classifier, images, fx.labels, { eps: 0.03, loss: 'margin' as never }), /loss must be 'ce' or 'dlr'/);
    await rejects(() => apgd(model.classifier, images, fx.labels, { eps: 0.03, targeted: true, nTargetClasses: 10 }), /nTargetClasses = 10 must be below the number of classes \(10\)/);
    await rejects(() => apgd(model.classifier, images, fx.labels, { eps: 0.03, targeted: true, loss: 'ce' }), /always uses the targeted DLR loss/);
    await rejects(() => apgd(model.classifier, images, fx.labels, { eps: 0.03, nTargetClasses: 3 }), /nTargetClasses is for the targeted version/);
    await rejects(() => apgd(model.classifier, images, fx.labels, { eps: 0.03, eot: { samples: 2, transform: 3 as never } }), /eot.transform must be a function/);
  });
  it('eps = 0 returns the clean images (L∞ and L2) without NaN', async () => {
    for (const norm of ['linf', 'l2'] as const) {
      const r = await pgd(model.classifier, images, fx.labels, { eps: 0, norm, steps: 2 });
      expect(await r.adversarial.data()).toEqual(await images.data());
      r.adversarial.dispose();
    }
  });
});
