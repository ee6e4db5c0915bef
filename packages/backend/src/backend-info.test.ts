import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendInfo } from './backend-info.js';
import { initBackend } from './init-backend.js';

// Its own file: no backend has been started in this process yet.
describe('backendInfo before and after initBackend', () => {
  it('says that no backend is running, without starting one, then names the one started', async () => {
    const info = backendInfo();
    expect(info).toMatchObject({ backend: 'none', threads: null, simd: null, tensorflowVersion: null, tfjsVersion: tf.version_core });
    expect(info.details).toBe(`no backend started yet (call initBackend()), tfjs-core ${tf.version_core}`);
    expect((tf.engine() as unknown as { backendName?: string | null }).backendName ?? null).toBeNull(); // asking started nothing
    await initBackend('cpu');
    expect(backendInfo()).toMatchObject({ backend: 'cpu', threads: 1, details: `cpu, tfjs-core ${tf.version_core}` });
  });
});
