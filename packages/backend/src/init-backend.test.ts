import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends, type BackendAvailability } from './available-backends.js';
import { backendInfo } from './backend-info.js';
import { initBackend } from './init-backend.js';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';

describe('availableBackends and initBackend', () => {
  let available: BackendAvailability[];
  const savedEnv = process.env.CNN_BACKEND;

  beforeAll(async () => {
    delete process.env.CNN_BACKEND;
    available = await availableBackends();
    for (const b of available) console.info(`backend ${b.name}: ${b.available ? 'available' : 'unavailable'} — ${b.reason}`);
  });

  afterEach(() => {
    if (savedEnv === undefined) delete process.env.CNN_BACKEND;
    else process.env.CNN_BACKEND = savedEnv;
  });

  it('lists every backend in fallback order, with reasons', () => {
    expect(available.map((b) => b.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    for (const b of available) expect(b.reason.length).toBeGreaterThan(0);
    // Always installed with this package.
    expect(available.find((b) => b.name === 'wasm')?.available).toBe(true);
    expect(available.find((b) => b.name === 'cpu')?.available).toBe(true);
    // Not installed in this workspace: the reason says how to install it.
    const gpu = available.find((b) => b.name === 'tensorflow-gpu')!;
    expect(gpu.available).toBe(false);
    expect(gpu.reason).toMatch(/@tensorflow\/tfjs-node-gpu/);
    expect(gpu.reason).toMatch(/install with: npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
  });

  it("'auto' starts the first available backend and says what it skipped", async () => {
    const first = available.find((b) => b.available)!;
    const choice = await initBackend('auto');
    expect(choice.backend).toBe(first.name);
    expect(tf.getBackend()).toBe(choice.tfjsBackend);
    expect(choice.requested).toBe('auto');
    // tensorflow-gpu is never installed here, so it was skipped with its reason.
    expect(choice.reason).toMatch(/^tensorflow-gpu unavailable \(.*tfjs-node-gpu.*\); .*using /);
  });

  it('an explicit backend that is not installed fails with how to install it', async () => {
    await expect(initBackend('tensorflow-gpu')).rejects.toThrow(
      /Backend "tensorflow-gpu" could not be started: .*Install it with: npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/,
    );
  });

  it('honours CNN_BACKEND and rejects unknown names', async () => {
    process.env.CNN_BACKEND = 'cpu';
    const choice = await initBackend();
    expect(choice).toMatchObject({ requested: 'cpu', backend: 'cpu', tfjsBackend: 'cpu', reason: 'cpu was requested by CNN_BACKEND' });
    // An explicit argument wins over the environment.
    expect((await initBackend('wasm')).backend).toBe('wasm');
    process.env.CNN_BACKEND = 'gpu';
    await expect(initBackend()).rejects.toThrow(/CNN_BACKEND="gpu" is not a backend; use one of auto, tensorflow-gpu, tensorflow, webgpu, webgl, wasm, cpu/);
    await expect(initBackend('gpu' as never)).rejects.toThrow(/unknown backend "gpu"/);
  });

  it('the browser backends can be asked for by name, and say why they cannot start in Node', async () => {
    // Both packages are installed here (dev dependencies): no install hint, the reason instead.
    const webgl = initBackend('webgl');
    await expect(webgl).rejects.toThrow(/^Backend "webgl" could not be started: WebGL exists only in browsers \(tfjs-backend-webgl registers itself only there\)$/);
    await expect(initBackend('webgpu')).rejects.toThrow(/^Backend "webgpu" could not be started: WebGPU exists only in browsers \(no navigator.gpu in Node\)$/);
    // 'auto' in Node never tries them.
    const choice = await initBackend('auto');
    expect(choice.reason).not.toMatch(/webgl|webgpu/);
  });

  it('starts tensorflow (tfjs-node) and reports its libtensorflow version', async (ctx) => {
    const tensorflow = available.find((b) => b.name === 'tensorflow')!;
    if (!tensorflow.available) {
      console.warn(`SKIPPED tensorflow backend test: ${tensorflow.reason}`);
      ctx.skip();
    }
    const choice = await initBackend('tensorflow');
    expect(choice.tfjsBackend).toBe('tensorflow');
    const info = backendInfo();
    expect(info.backend).toBe('tensorflow');
    expect(info.tensorflowVersion).toMatch(/^\d+\.\d+/);
    expect(info.details).toContain(`libtensorflow ${info.tensorflowVersion}`);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6]))));
    expect(y.dataSync()[0]).toBe(32);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('backendInfo on cpu and wasm', async () => {
    await initBackend('cpu');
    expect(backendInfo()).toMatchObject({ backend: 'cpu', threads: 1, simd: null, tensorflowVersion: null });
    await initBackend('wasm');
    const info = backendInfo();
    expect(info.backend).toBe('wasm');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.simd).toBe(true);
  });
});
