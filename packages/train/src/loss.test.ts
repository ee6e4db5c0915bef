import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { lossTargets, softCrossEntropy } from './loss.js';
import { clipByGlobalNorm } from './clip.js';

const fx = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/losses.json', import.meta.url)), 'utf8'));

beforeAll(async () => {
  await initBackend('cpu');
});

describe('softCrossEntropy matches torch.nn.functional.cross_entropy', () => {
  const run = (f: () => number): number => {
    const before = tf.memory().numTensors;
    const v = f();
    expect(tf.memory().numTensors).toBe(before);
    return v;
  };
  const loss = (opts: { soft?: boolean; smoothing?: number }): number =>
    run(() =>
      tf.tidy(() => {
        const logits = tf.tensor2d(fx.logits, [5, 4]);
        const labels = tf.tensor1d(fx.labels, 'int32');
        const targets = opts.soft ? tf.tensor2d(fx.soft, [5, 4]) : undefined;
        const y = lossTargets(labels, 4, { targets, labelSmoothing: opts.smoothing });
        return softCrossEntropy(logits, y).dataSync()[0];
      }),
    );
  it('hard labels', () => expect(loss({})).toBeCloseTo(fx.ce, 5));
  it('label smoothing 0.1', () => expect(loss({ smoothing: 0.1 })).toBeCloseTo(fx['ce_smooth_0.1'], 5));
  it('soft targets', () => expect(loss({ soft: true })).toBeCloseTo(fx.ce_soft, 5));
  it('rejects mismatched targets', () => {
    const l = tf.tensor1d([0, 1], 'int32');
    const t = tf.ones([2, 3]) as tf.Tensor2D;
    expect(() => lossTargets(l, 4, { targets: t })).toThrow(/3 classes/);
    expect(() => lossTargets(l, 4, { labelSmoothing: 1 })).toThrow(/labelSmoothing/);
    tf.dispose([l, t]);
  });
});

describe('clipByGlobalNorm matches torch.nn.utils.clip_grad_norm_', () => {
  it('norm and clipped gradients', () => {
    const before = tf.memory().numTensors;
    const grads = { a: tf.tensor(fx.clip_grads[0], fx.clip_shapes[0]), b: tf.tensor(fx.clip_grads[1], fx.clip_shapes[1]) };
    const { grads: out, norm } = clipByGlobalNorm(grads, fx.clip_max);
    expect(norm).toBeCloseTo(fx.clip_norm, 5);
    expect(grads.a.isDisposed).toBe(true);
    const a = out.a.dataSync();
    const b = out.b.dataSync();
    fx.clipped[0].forEach((v: number, i: number) => expect(a[i]).toBeCloseTo(v, 6));
    fx.clipped[1].forEach((v: number, i: number) => expect(b[i]).toBeCloseTo(v, 6));
    tf.dispose(Object.values(out));
    expect(tf.memory().numTensors).toBe(before);
  });
  it('leaves gradients alone under the limit', () => {
    const g = { a: tf.tensor1d([0.3, 0.4]) };
    const r = clipByGlobalNorm(g, 1);
    expect(r.grads).toBe(g);
    expect(r.norm).toBeCloseTo(0.5, 6);
    g.a.dispose();
  });
});
