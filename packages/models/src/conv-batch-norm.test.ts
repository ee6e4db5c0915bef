import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '@cnn/backend';
import { createRng } from '@cnn/core';
import { describe, expect, it } from 'vitest';
import { createModel, type Model } from './index.js';
import { maxAbsDiff, probeBackends, TINY } from './test-utils.js';

/*
 * Eval-mode BN folding (conv → BN as one conv with folded filter and bias) against the unfolded
 * computation (`foldBatchNorm: false`: conv, then x·scale + shift) on random weights AND random
 * running statistics, forward and input gradient (attacks differentiate eval mode).
 */

const TOL = 1e-5;
const backends: BackendName[] = ['cpu', 'wasm', 'tensorflow'];
const available = await probeBackends(backends);
// Every family with conv → BN pairs: basic (option A and B shortcuts), bottleneck (ImageNet stem,
// downsample), wide torchvision, SE; plus a pre-activation net, where nothing is folded.
const NETS = TINY.filter(([name]) => ['resnet18', 'resnet50', 'resnet20', 'wide_resnet50_2', 'se_resnet18', 'preact_resnet18'].includes(name));

/** Random weights, BN γ/β and running mean/var (var in [0.3, 2]) from a seed, into the model. */
function randomize(model: Model, seed: number): void {
  const rng = createRng(seed);
  const dict: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(model.stateDict())) {
    if (v.dtype !== 'float32') continue;
    const vals = Float32Array.from({ length: v.size }, () =>
      name.endsWith('running_var') ? rng.uniformRange(0.3, 2) : name.endsWith('running_mean') ? rng.uniformRange(-0.5, 0.5) : rng.normal() * (v.rank === 4 ? 0.4 : 0.5) + (name.match(/bn\d?\.weight|downsample\.1\.weight/) ? 1 : 0),
    );
    dict[name] = tf.tensor(vals, v.shape);
  }
  model.loadStateDict(dict, { strict: false });
  tf.dispose(Object.values(dict));
}

/** d/dx of a fixed linear functional of the logits. */
function inputGradient(model: Model, x: tf.Tensor4D, fold: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const w = tf.linspace(-1, 1, 3);
    return tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(model.apply(xx as tf.Tensor4D, { foldBatchNorm: fold }), w)))(x) as tf.Tensor4D;
  });
}

for (const backend of backends) {
  describe.skipIf(available.get(backend) !== null)(`eval-mode BN folding on ${backend}`, () => {
    it.each(NETS)('%s: folded = unfolded (logits and input gradient), no leaks', async (name, options) => {
      await initBackend(backend);
      const model = createModel(name, options);
      randomize(model, 11);
      const x = tf.randomUniform([3, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const folded = model.apply(x);
      const unfolded = model.apply(x, { foldBatchNorm: false });
      const scale = Math.max(1, ...Array.from(unfolded.dataSync(), Math.abs));
      expect(maxAbsDiff(folded, unfolded) / scale).toBeLessThan(TOL);
      const gf = inputGradient(model, x, true);
      const gu = inputGradient(model, x, false);
      const gScale = Math.max(1e-3, ...Array.from(gu.dataSync(), Math.abs));
      expect(maxAbsDiff(gf, gu) / gScale).toBeLessThan(TOL);
      // foldBatchNorm is an eval-mode option: training mode gives the same with either value.
      const t1 = model.apply(x, { training: true, updateRunningStats: false });
      const t2 = model.apply(x, { training: true, updateRunningStats: false, foldBatchNorm: false });
      expect(maxAbsDiff(t1, t2)).toBe(0);
      tf.dispose([folded, unfolded, gf, gu, t1, t2]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      model.dispose();
    });
  });
}

describe('eval-mode BN folding', () => {
  it('honours running statistics changed after the first call (nothing cached)', async () => {
    await initBackend('cpu');
    const [name, options] = TINY.find(([n]) => n === 'resnet20')!;
    const model = createModel(name, options);
    randomize(model, 3);
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const y1 = model.apply(x);
    // A training pass moves every running mean/var; then new weights arrive by loadStateDict too.
    tf.dispose(model.apply(x, { training: true }));
    const y2 = model.apply(x);
    expect(maxAbsDiff(y1, y2)).toBeGreaterThan(1e-3);
    const u2 = model.apply(x, { foldBatchNorm: false });
    expect(maxAbsDiff(y2, u2)).toBeLessThan(TOL * Math.max(1, ...Array.from(u2.dataSync(), Math.abs)));
    randomize(model, 4);
    const y3 = model.apply(x);
    const u3 = model.apply(x, { foldBatchNorm: false });
    expect(maxAbsDiff(y3, y2)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(y3, u3)).toBeLessThan(TOL * Math.max(1, ...Array.from(u3.dataSync(), Math.abs)));
    tf.dispose([x, y1, y2, u2, y3, u3]);
    model.dispose();
  });

  it('really folds: no activation-sized Multiply in eval mode of a post-activation net (there is one per BN unfolded)', async () => {
    await initBackend('cpu');
    const [name, options] = TINY.find(([n]) => n === 'resnet20')!;
    const model = createModel(name, options);
    const x = tf.randomUniform([5, 32, 32, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const activationMuls = async (fold: boolean): Promise<number> => {
      const prof = await tf.profile(() => model.apply(x, { foldBatchNorm: fold }));
      (prof.result as tf.Tensor).dispose();
      return prof.kernels.filter((k) => k.name === 'Multiply' && k.outputShapes[0]?.[0] === 5).length;
    };
    const bnLayers = model.namedBuffers().filter(([n]) => n.endsWith('running_mean')).length;
    expect(await activationMuls(false)).toBe(bnLayers);
    expect(await activationMuls(true)).toBe(0);
    x.dispose();
    model.dispose();
  });
});
