import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { fromPredictModel, pgd } from './index.js';
import { f32, fixtureModel, loadFixture } from '../test/fixture.js';

const fx = loadFixture();
let model: ReturnType<typeof fixtureModel>;
let images: tf.Tensor4D;
const mean = [0.49, 0.48, 0.45];
const std = [0.25, 0.24, 0.26];

beforeAll(async () => {
  await initBackend('cpu');
  model = fixtureModel(fx);
  images = tf.tensor4d(f32(fx.images), fx.shape);
});
afterAll(() => {
  model.weights.forEach((w) => w.dispose());
  images.dispose();
});

async function close(a: tf.Tensor, b: tf.Tensor, tol = 1e-5): Promise<void> {
  const [x, y] = await Promise.all([a.data(), b.data()]);
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(tol);
}

describe('fromPredictModel', () => {
  it('wraps predict(), applying (x − mean)/std in front', async () => {
    const seen: tf.Tensor[] = [];
    const user = { predict: (x: tf.Tensor) => (seen.push(x), model.classifier(x as tf.Tensor4D)) };
    const c = fromPredictModel(user, { normalize: { mean, std } });
    const before = tf.memory().numTensors;
    const z = c(images);
    expect(tf.memory().numTensors).toBe(before + 1);
    const manual = tf.tidy(() => model.classifier(tf.div(tf.sub(images, mean), std) as tf.Tensor4D));
    await close(z, manual);
    expect(seen).toHaveLength(1);
    tf.dispose([z, manual]);
  });

  it('wraps execute() (GraphModel style) returning a one-element array, and attacks can differentiate through it', async () => {
    const user = { execute: (x: tf.Tensor) => [model.classifier(x as tf.Tensor4D)] };
    const c = fromPredictModel(user);
    const direct = await pgd(model.classifier, images, fx.labels, { eps: 0.02, steps: 3, seed: 1 });
    const wrapped = await pgd(c, images, fx.labels, { eps: 0.02, steps: 3, seed: 1 });
    expect(await wrapped.adversarial.data()).toEqual(await direct.adversarial.data());
    tf.dispose([direct.adversarial, wrapped.adversarial]);
  });

  it("output: 'probabilities' turns a softmax model into log-probabilities", async () => {
    const user = { predict: (x: tf.Tensor) => tf.softmax(model.classifier(x as tf.Tensor4D)) };
    const z = fromPredictModel(user, { output: 'probabilities' })(images);
    const want = tf.tidy(() => tf.logSoftmax(model.classifier(images)));
    await close(z, want, 1e-4);
    tf.dispose([z, want]);
  });

  it('rejects what is not a classifier', () => {
    expect(() => fromPredictModel({} as never)).toThrow(/predict\(x\) or execute\(x\)/);
    expect(() => fromPredictModel({ predict: () => tf.zeros([1]) }, { normalize: { mean: [0, 0], std: [1] } })).toThrow(/same, non-zero length/);
    expect(() => fromPredictModel({ predict: () => tf.zeros([1]) }, { normalize: { mean: [0], std: [0] } })).toThrow(/std must be > 0/);
    const two = fromPredictModel({ predict: (x: tf.Tensor) => [model.classifier(x as tf.Tensor4D), model.classifier(x as tf.Tensor4D)] });
    const before = tf.memory().numTensors;
    expect(() => two(images)).toThrow(/returned 2 outputs/);
    const rank1 = fromPredictModel({ predict: (x: tf.Tensor) => tf.sum(x, [1, 2, 3]) });
    expect(() => rank1(images)).toThrow(/must output \[batch, classes\], got shape \[8\]/);
    const wrongC = fromPredictModel({ predict: (x: tf.Tensor) => model.classifier(x as tf.Tensor4D) }, { normalize: { mean: [0, 0], std: [1, 1] } });
    expect(() => wrongC(images)).toThrow(/normalize has 2 channels but images have 3/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
