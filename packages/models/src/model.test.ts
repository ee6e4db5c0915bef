import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CIFAR10_NORMALIZATION,
  createModel,
  isModelName,
  listModels,
  toClassifier,
  type Model,
  type ModelName,
  type ModelOptions,
} from './index.js';
import { maxAbsDiff, TINY } from './test-utils.js';


const images = (n: number, size: number, seed = 1): tf.Tensor4D =>
  tf.randomUniform([n, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D;

const values = (m: Model, name: string): number[] => Array.from(m.stateDict()[name].dataSync());

describe('Model', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.each(TINY)('%s: apply/forwardFeatures/forwardHead in both modes leave no tensors behind', (name, options) => {
    const model = createModel(name, options);
    const x = images(2, 32);
    const before = tf.memory().numTensors;
    const buffers0 = model.namedBuffers().map(([, v]) => Array.from(v.dataSync()));
    const y = model.apply(x);
    expect(y.shape).toEqual([2, 3]);
    // forwardHead ∘ forwardFeatures is apply; preLogits is the pooled feature map.
    const fe = model.forwardFeatures(x);
    const [he, pe] = [model.forwardHead(fe), model.forwardHead(fe, { preLogits: true })];
    expect(maxAbsDiff(he, y)).toBeLessThan(1e-6);
    const pooled = tf.mean(fe, [1, 2]);
    expect(maxAbsDiff(pe, pooled)).toBeLessThan(1e-6);
    tf.dispose([fe, he, pe, pooled]);
    expect(model.namedBuffers().map(([, v]) => Array.from(v.dataSync()))).toEqual(buffers0); // eval: untouched
    const yt = model.apply(x, { training: true });
    expect(yt.shape).toEqual([2, 3]);
    expect(values(model, model.namedBuffers()[0][0].replace('running_mean', 'num_batches_tracked'))).toEqual([1]);
    const yn = model.apply(x, { training: true, updateRunningStats: false });
    expect(values(model, model.namedBuffers()[0][0].replace('running_mean', 'num_batches_tracked'))).toEqual([1]);
    const f = model.forwardFeatures(x, { training: true });
    const h = model.forwardHead(f);
    const p = model.forwardHead(f, { preLogits: true });
    expect(h.shape).toEqual([2, 3]);
    expect(p.shape).toEqual([2, f.shape[3]]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }))));
    expect(Object.keys(grads).length).toBe(model.namedParameters().length);
    tf.dispose([y, yt, yn, f, h, p, value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    x.dispose();
    expect(() => model.apply(x)).toThrow(/disposed/);
  });

  it('feature maps: ImageNet stem downsamples 32×, CIFAR stem 8× (ResNet-18) or 4× (3-stage nets)', () => {
    const a = createModel('resnet18', { widths: [4, 4, 8, 8], stemWidth: 4, numClasses: 3 });
    const b = createModel('resnet18', { stem: 'cifar', widths: [4, 4, 8, 8], stemWidth: 4, numClasses: 3 });
    const c = createModel('wrn_16_1', { widths: [4, 6, 8], stemWidth: 4, numClasses: 3 });
    const x = images(1, 64);
    const shapes = [a, b, c].map((m) => {
      const f = m.forwardFeatures(x);
      const s = f.shape;
      f.dispose();
      m.dispose();
      return s;
    });
    expect(shapes).toEqual([[1, 2, 2, 8], [1, 8, 8, 8], [1, 16, 16, 8]]);
    x.dispose();
  });

  it('is reproducible from the seed, with Kaiming-normal fan-out conv init and PyTorch linear init', () => {
    const opts = { stem: 'cifar', widths: [8, 16, 64, 128], stemWidth: 8, numClasses: 10 } as const;
    const a = createModel('resnet18', { ...opts, seed: 7 });
    const b = createModel('resnet18', { ...opts, seed: 7 });
    const c = createModel('resnet18', { ...opts, seed: 8 });
    const w = 'layer4.1.conv2.weight';
    expect(values(a, w)).toEqual(values(b, w));
    expect(values(a, w)).not.toEqual(values(c, w));
    const v = values(a, w);
    const mean = v.reduce((s, t) => s + t, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, t) => s + (t - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std / Math.sqrt(2 / (128 * 9))).toBeGreaterThan(0.97);
    expect(std / Math.sqrt(2 / (128 * 9))).toBeLessThan(1.03);
    const fc = values(a, 'fc.weight');
    expect(Math.max(...fc.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(128));
    expect(Math.max(...fc.map(Math.abs))).toBeGreaterThan(0.9 / Math.sqrt(128));
    expect(values(a, 'bn1.weight').every((t) => t === 1)).toBe(true);
    expect(values(a, 'bn1.running_var').every((t) => t === 1)).toBe(true);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('zeroInitResidual zeroes the last BN (post-activation) or last conv (pre-activation) of each branch', () => {
    const basic = createModel('resnet18', { ...TINY[0][1], zeroInitResidual: true });
    const bottleneck = createModel('resnet50', { ...TINY[1][1], zeroInitResidual: true });
    const preact = createModel('preact_resnet18', { ...TINY[3][1], zeroInitResidual: true });
    expect(values(basic, 'layer1.0.bn2.weight').every((t) => t === 0)).toBe(true);
    expect(values(basic, 'layer1.0.bn1.weight').every((t) => t === 1)).toBe(true);
    expect(values(bottleneck, 'layer2.0.bn3.weight').every((t) => t === 0)).toBe(true);
    expect(values(preact, 'layer3.0.conv2.weight').every((t) => t === 0)).toBe(true);
    expect(values(preact, 'layer3.0.conv1.weight').some((t) => t !== 0)).toBe(true);
    [basic, bottleneck, preact].forEach((m) => m.dispose());
  });

  it('WRN dropout: only in training, reproducible from the seed, scaled by 1/(1−p)', () => {
    const opts: ModelOptions = { widths: [4, 6, 8], stemWidth: 4, depths: [1, 1, 1], numClasses: 3 };
    const a = createModel('wrn_16_2', { ...opts, dropout: 0.5, seed: 3 });
    const b = createModel('wrn_16_2', { ...opts, dropout: 0.5, seed: 3 });
    const none = createModel('wrn_16_2', { ...opts, seed: 3 });
    const x = images(2, 16);
    const mode = { training: true, updateRunningStats: false };
    const [ea, en] = [a.apply(x), none.apply(x)];
    expect(maxAbsDiff(ea, en)).toBe(0);
    const [t1, t2, tb, tn] = [a.apply(x, mode), a.apply(x, mode), b.apply(x, mode), none.apply(x, mode)];
    expect(maxAbsDiff(t1, tn)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(t1, t2)).toBeGreaterThan(1e-3); // a new mask every call
    const tb2 = b.apply(x, mode);
    expect(maxAbsDiff(t1, tb)).toBe(0); // same seed, same masks
    expect(maxAbsDiff(t2, tb2)).toBe(0);
    tf.dispose([ea, en, t1, t2, tb, tn, tb2, x]);
    [a, b, none].forEach((m) => m.dispose());
  });

  it('WRN dropout: getRngState/setRngState make a resumed model draw the same masks', () => {
    const opts: ModelOptions = { widths: [4, 6, 8], stemWidth: 4, depths: [1, 1, 1], numClasses: 3, dropout: 0.5, seed: 3 };
    const x = images(2, 16);
    const mode = { training: true, updateRunningStats: false };
    const a = createModel('wrn_16_2', opts);
    tf.dispose([a.apply(x, mode), a.apply(x, mode)]); // "train" a while
    const saved = a.getRngState();
    expect(saved).toHaveLength(8);
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved); // plain JSON, as a checkpoint stores it
    const next = a.apply(x, mode);
    // Resume: a fresh model (same seed), the weights and the saved stream state.
    const b = createModel('wrn_16_2', opts);
    b.loadStateDict(a.stateDict());
    const fresh = b.apply(x, mode); // without the state: the masks of step 1, not step 3
    expect(maxAbsDiff(fresh, next)).toBeGreaterThan(1e-3);
    b.setRngState(saved);
    const resumed = b.apply(x, mode);
    expect(maxAbsDiff(resumed, next)).toBe(0);
    expect(b.getRngState()).toEqual(a.getRngState());
    // The same model can rewind too; the returned array is a copy.
    saved[0] = 0;
    a.setRngState(b.getRngState());
    expect(a.getRngState()).toEqual(b.getRngState());
    const other = createModel('wrn_16_2', { ...opts, seed: 4 });
    const before = tf.memory().numTensors;
    expect(() => b.setRngState([1, 2, 3])).toThrow(/wrn_16_2\.setRngState: .*8-number array/);
    expect(() => other.setRngState(a.getRngState())).toThrow(/wrn_16_2\.setRngState: .*another seed.*same seed/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, next, fresh, resumed]);
    [a, b, other].forEach((m) => m.dispose());
    expect(() => a.getRngState()).toThrow(/has been disposed/);
  });

  it('normalises inside the model ([0, 1] pixels in) and toClassifier is eval mode', () => {
    const a = createModel('resnet20', { ...TINY[2][1], seed: 1 });
    const raw = createModel('resnet20', { ...TINY[2][1], seed: 1, normalize: null });
    expect(a.config.normalize).toEqual(CIFAR10_NORMALIZATION);
    const x = images(2, 16);
    const xn = tf.tidy(() => tf.div(tf.sub(x, CIFAR10_NORMALIZATION.mean as number[]), CIFAR10_NORMALIZATION.std as number[])) as tf.Tensor4D;
    const [ya, yr] = [a.apply(x), raw.apply(xn)];
    expect(maxAbsDiff(ya, yr)).toBeLessThan(1e-5);
    const classify = toClassifier(a);
    const yc = classify(x);
    expect(maxAbsDiff(yc, ya)).toBe(0);
    expect(values(a, 'bn1.num_batches_tracked')).toEqual([0]);
    tf.dispose([x, xn, ya, yr, yc]);
    a.dispose();
    raw.dispose();
  });

  it('gradients match finite differences (tiny model, eval and training mode)', () => {
    const model = createModel('preact_resnet18', { widths: [2, 2, 4, 4], stemWidth: 2, depths: [1, 1, 1, 1], numClasses: 3, seed: 2 });
    const x = images(3, 8, 4);
    const w = tf.randomNormal([3, 3], 0, 1, 'float32', 9);
    const params = new Map(model.namedParameters());
    for (const training of [false, true]) {
      const loss = (): tf.Scalar => tf.sum(tf.mul(model.apply(x, { training, updateRunningStats: false }), w));
      const { grads } = tf.variableGrads(loss);
      for (const [name, index] of [['conv1.weight', 5], ['layer2.0.conv1.weight', 3], ['layer3.0.bn2.weight', 1], ['layer4.0.shortcut.0.weight', 2], ['bn.bias', 0], ['linear.weight', 4]] as const) {
        const v = params.get(name)!;
        const analytic = grads[v.name].dataSync()[index];
        const base = v.dataSync().slice();
        const at = (delta: number): number => {
          const moved = base.slice();
          moved[index] += delta;
          tf.tidy(() => v.assign(tf.tensor(moved, v.shape)));
          return tf.tidy(() => loss().dataSync()[0]);
        };
        const h = 1e-3; // small enough not to cross ReLU kinks here, large enough for float32
        const numeric = (at(h) - at(-h)) / (2 * h);
        tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
        expect(Math.abs(analytic - numeric), `${name}[${index}] training=${training}: ${analytic} vs ${numeric}`).toBeLessThan(
          1e-3 + 1e-2 * Math.abs(numeric),
        );
      }
      tf.dispose(Object.values(grads));
    }
    tf.dispose([x, w]);
    model.dispose();
  });

  it('rejects bad names, options and inputs with clear errors', () => {
    expect(() => createModel('resnet19' as ModelName)).toThrow(/Unknown model "resnet19".*Known models: resnet18/);
    expect(() => createModel('wrn_15_2')).toThrow(/wrn_<depth>_<k> with depth = 6n \+ 4/);
    expect(() => createModel('wrn_28_10', { stem: 'imagenet' })).toThrow(/stem "imagenet" is not available; this model has 'cifar'/);
    expect(() => createModel('resnet18', { dropout: 0.3 })).toThrow(/option "dropout" does not apply/);
    expect(() => createModel('resnet18', { shortcut: 'A' })).toThrow(/option "shortcut" does not apply/);
    expect(() => createModel('resnet18', { widths: [1, 2] })).toThrow(/widths must be an array of 4 numbers/);
    expect(() => createModel('resnet18', { numClasses: 0 })).toThrow(/numClasses must be a positive integer, got 0/);
    expect(() => createModel('wrn_16_2', { dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    expect(() => createModel('resnet20', { widths: [16, 32, 63] })).toThrow(/cannot pad 32 channels to 63/);
    expect(() => createModel('resnet18', { normalize: { mean: [0], std: [1] } })).toThrow(/need 3 values/);
    const m = createModel('resnet20', TINY[2][1]);
    const bad3 = tf.zeros([2, 8, 8]) as unknown as tf.Tensor4D;
    const bad1 = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    const badInt = tf.zeros([2, 8, 8, 3], 'int32') as tf.Tensor4D;
    expect(() => m.apply(bad3)).toThrow(/rank 4 \[N, H, W, 3\], got shape \[2, 8, 8\]/);
    expect(() => m.apply(bad1)).toThrow(/expected 3 channels \(NHWC\), got shape \[2, 8, 8, 1\]/);
    expect(() => m.apply(badInt)).toThrow(/float32 pixels in \[0, 1\], got dtype int32/);
    expect(() => m.forwardHead(bad1)).toThrow(/expected 8 feature channels/);
    const one = images(1, 4); // the last stage sees 1×1 maps: one value per channel
    expect(() => m.apply(one, { training: true })).toThrow(/more than 1 value per channel/);
    tf.dispose([bad3, bad1, badInt, one]);
    m.dispose();
  });

  it('lists models, filtered by substring or RegExp', () => {
    const all = listModels();
    expect(all).toContain('resnet18');
    expect(all).toContain('wrn_28_10');
    expect(all).toContain('se_resnet152');
    expect(all.length).toBe(30);
    expect(listModels('preact')).toEqual(['preact_resnet18', 'preact_resnet34', 'preact_resnet50', 'preact_resnet101', 'preact_resnet152']);
    expect(listModels(/^wrn_\d+_10$/)).toEqual(['wrn_28_10', 'wrn_34_10']);
    expect(isModelName('wrn_10_1')).toBe(true);
    expect(isModelName('wrn_11_1')).toBe(false);
    expect(isModelName('resnet19')).toBe(false);
    expect(all.every(isModelName)).toBe(true);
    const m = createModel('wrn_10_1', { numClasses: 2 }); // any 6n+4 depth works, listed or not
    expect(m.name).toBe('wrn_10_1');
    expect(m.numClasses).toBe(2);
    expect(m.config.depths).toEqual([1, 1, 1]);
    m.dispose();
  });
});
