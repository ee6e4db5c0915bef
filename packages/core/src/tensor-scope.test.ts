import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { TensorScope, withTensorScope } from './tensor-scope.js';

describe('TensorScope', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('disposes what it tracks, except what was kept', async () => {
    const before = tf.memory().numTensors;
    let dropped!: tf.Tensor;
    const kept = await withTensorScope(async (scope) => {
      dropped = scope.track(tf.ones([3]));
      const out = scope.track(tf.mul(dropped, 2));
      await Promise.resolve();
      return scope.keep(out);
    });
    expect(dropped.isDisposed).toBe(true);
    expect(Array.from(await kept.data())).toEqual([2, 2, 2]);
    expect(tf.memory().numTensors).toBe(before + 1);
    kept.dispose();
  });

  it('disposes everything when the body throws', async () => {
    const before = tf.memory().numTensors;
    await expect(
      withTensorScope(async (scope) => {
        scope.trackAll([tf.ones([2]), tf.zeros([2])]);
        await Promise.resolve();
        throw new Error('step failed');
      }),
    ).rejects.toThrow('step failed');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('collect keeps the live tensors (aliases included) and frees the rest', () => {
    const scope = new TensorScope();
    const a = scope.track(tf.ones([1]));
    const b = scope.track(tf.ones([1]));
    const c = scope.track(tf.ones([1]));
    const untracked = tf.ones([1]);
    scope.collect([a, a, untracked]);
    expect([a.isDisposed, b.isDisposed, c.isDisposed, untracked.isDisposed]).toEqual([false, true, true, false]);
    expect(scope.size).toBe(1);
    scope.dispose();
    scope.dispose();
    expect(a.isDisposed).toBe(true);
    untracked.dispose();
  });

  it('release frees one owned tensor and leaves foreign ones alone', () => {
    const scope = new TensorScope();
    const own = scope.track(tf.ones([1]));
    const foreign = tf.ones([1]);
    scope.release(own);
    scope.release(foreign);
    expect([own.isDisposed, foreign.isDisposed]).toEqual([true, false]);
    foreign.dispose();
  });

  it('is disposable with Symbol.dispose (what `using` calls)', () => {
    const scope = new TensorScope();
    const t = scope.track(tf.ones([1]));
    scope[Symbol.dispose]();
    expect(t.isDisposed).toBe(true);
  });
});
