import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { describe, expect, it } from 'vitest';
import { repeatTrainingStep } from './determinism-step.js';
import { probeBackends } from './test-utils.js';

/*
 * Determinism as a tested property: the same seeded training step gives bit-identical loss and
 * gradients run after run on one backend with one thread count (docs/guides/backends.md,
 * "Determinism"). wasm runs in its own files: its thread count is fixed per process.
 */
const available = await probeBackends(['tensorflow']);

describe('a seeded ResNet-20 training step repeats bit for bit', () => {
  it.skipIf(available.get('tensorflow') !== null)('on tensorflow (40 repeats), no leaks', async () => {
    await initBackend('tensorflow');
    const before = tf.memory().numTensors;
    expect(repeatTrainingStep(40)).toEqual({ diverged: 0, repeats: 39 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
