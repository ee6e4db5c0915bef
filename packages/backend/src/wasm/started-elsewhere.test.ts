import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { backendInfo } from '../backend-info.js';
import { initBackend } from '../init-backend.js';

// This file runs in its own process: here the user started tfjs' own wasm backend before us.
describe('wasm already started by the user', () => {
  it('keeps that backend (single-threaded), says why, and still trains convolutions', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const choice = await initBackend('wasm', { wasmThreads: 2 });
    expect(choice.backend).toBe('wasm');
    const info = backendInfo();
    expect(info.threads).toBe(1);
    expect(info.details).toMatch(/already started without threads/);
    const before = tf.memory().numTensors;
    const x = tf.ones([2, 5, 5, 3]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 3, 4]);
    const g = tf.grad((ww: tf.Tensor) => tf.sum(tf.conv2d(x, ww as tf.Tensor4D, 2, 'same')))(w);
    // Each filter tap sees, summed over the 3×3 outputs of both images, the input pixels it meets:
    // for a 5×5 input with stride 2 and 'same' padding (1 each side) that is 2·(3 or 2)·(3 or 2).
    const taps = g.dataSync();
    expect(taps[0]).toBe(2 * 2 * 2); // top-left tap: only outputs 1 and 2 along each axis meet real pixels
    expect(taps[(1 * 3 + 1) * 12]).toBe(2 * 3 * 3); // centre tap: every output hits a pixel
    tf.dispose([x, w, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
