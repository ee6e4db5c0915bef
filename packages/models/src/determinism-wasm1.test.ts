import * as tf from '@tensorflow/tfjs-core';
import { backendInfo, initBackend } from '@cnn/backend';
import { describe, expect, it } from 'vitest';
import { repeatTrainingStep } from './determinism-step.js';

// Its own file: the wasm thread count is fixed by the first start of wasm in a process.
describe('a seeded ResNet-20 training step repeats bit for bit', () => {
  it('on wasm with 1 thread and our SIMD kernels (40 repeats), no leaks', async () => {
    await initBackend('wasm', { wasmThreads: 1 });
    expect(backendInfo().details).toMatch(/SIMD kernels on 1 thread/);
    const before = tf.memory().numTensors;
    expect(repeatTrainingStep(40)).toEqual({ diverged: 0, repeats: 39 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
