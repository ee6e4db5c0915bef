import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { createModel, decodeSafetensors, loadWeights, weightsToBytes, type Model } from '@cnn/models';
import type { TrainableModel } from './types.js';
import { restoreCheckpoint } from './checkpoint.js';
import { loadCheckpoint, loadLatestCheckpoint, saveCheckpoint } from './checkpoint-files.js';
import { createOptimizer } from './optimizer.js';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'cnn-train-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tiny = (seed: number): Model => createModel('resnet20', { widths: [4, 8, 8], depths: [1, 1, 1], stemWidth: 4, seed });

/** One SGD step on random data so the optimiser has momentum buffers. */
function stepOnce(model: Model, opt: ReturnType<typeof createOptimizer>): void {
  const vars = model.namedParameters();
  const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.mean(tf.square(model.apply(tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1), { training: true })))) as tf.Scalar, vars.map((v) => v[1]));
  const byName = Object.fromEntries(vars.map(([n, v]) => [n, grads[v.name]]));
  opt.step(byName, 0.1);
  tf.dispose([value, ...Object.values(grads)]);
}

function snapshot(model: Model): Record<string, number[]> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, Array.from(v.dataSync())]));
}

describe('checkpoints', () => {
  it('save → load restores weights, BN buffers and optimiser state exactly; latest.json points at the newest', async () => {
    const before = tf.memory().numTensors;
    const a = tiny(1);
    const optA = createOptimizer({ type: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, a.namedParameters());
    stepOnce(a, optA);
    await saveCheckpoint(dir, { model: a, optimizer: optA, epoch: 0, step: 1, globalStep: 1, rng: [1, 2, 3], config: { x: 1 } });
    stepOnce(a, optA);
    const path = await saveCheckpoint(dir, { model: a, optimizer: optA, epoch: 1, step: 0, globalStep: 2, rng: [4, 5, 6], config: { x: 1 }, extra: { k: 'v' } });
    const pointer = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8'));
    expect(join(dir, pointer.state)).toBe(path);

    const b = tiny(2);
    const optB = createOptimizer({ type: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, b.namedParameters());
    const ck = await loadLatestCheckpoint(dir);
    expect(ck).not.toBeNull();
    expect(ck!.state).toMatchObject({ epoch: 1, step: 0, globalStep: 2, rng: [4, 5, 6], extra: { k: 'v' } });
    restoreCheckpoint(ck!, b, optB);
    expect(snapshot(b)).toEqual(snapshot(a));
    // Same state → the same next update.
    stepOnce(a, optA);
    stepOnce(b, optB);
    expect(snapshot(b)).toEqual(snapshot(a));

    // The weights file is a regular @cnn/models weights file (PyTorch layout).
    const c = tiny(3);
    await loadWeights(c, join(dir, ck!.state.files.model));
    expect(c.stateDict()['conv1.weight'].shape).toEqual(a.stateDict()['conv1.weight'].shape);
    for (const m of [a, b, c]) m.dispose();
    optA.dispose();
    optB.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("stores a Model's trainingState(): its weights bytes (PyTorch layout, as weightsToBytes) and its dropout stream", async () => {
    const d = join(dir, 'training-state');
    const m = createModel('wrn_10_1', { widths: [4, 6, 8], stemWidth: 4, dropout: 0.5, seed: 9 });
    m.apply(tf.zeros([1, 8, 8, 3]), { training: true }).dispose(); // draws from the dropout stream
    const opt = createOptimizer({ type: 'sgd' }, m.namedParameters());
    const path = await saveCheckpoint(d, { model: m, optimizer: opt, epoch: 0, step: 1, globalStep: 1, rng: [], config: {} });
    const state = JSON.parse(await readFile(path, 'utf8'));
    expect(new Uint8Array(await readFile(join(d, state.files.model)))).toEqual(weightsToBytes(m, { layout: 'pytorch' }));
    expect(state.modelRng).toEqual(m.trainingState().rng);
    m.dispose();
    opt.dispose();
  });

  it('saves and restores a plain TrainableModel (no trainingState) by tensor name in TF.js layout', async () => {
    const d = join(dir, 'plain');
    const source = tiny(10);
    const plain = (m: Model): TrainableModel => ({
      apply: (x, o) => m.apply(x, o),
      namedParameters: () => m.namedParameters(),
      namedBuffers: () => m.namedBuffers(),
    });
    const opt = createOptimizer({ type: 'sgd' }, source.namedParameters());
    await saveCheckpoint(d, { model: plain(source), optimizer: opt, epoch: 0, step: 1, globalStep: 1, rng: [], config: {} });
    const ck = await loadLatestCheckpoint(d);
    const { tensors, metadata } = decodeSafetensors(ck!.modelBytes);
    expect(metadata?.layout).toBe('tfjs');
    tf.dispose(Object.values(tensors));
    const target = tiny(11);
    const opt2 = createOptimizer({ type: 'sgd' }, target.namedParameters());
    restoreCheckpoint(ck!, plain(target), opt2);
    expect(snapshot(target)).toEqual(snapshot(source));
    for (const x of [source, target]) x.dispose();
    opt.dispose();
    opt2.dispose();
  });

  it('keeps only the newest checkpoints and removes stale temp files of killed writers', async () => {
    const d = join(dir, 'prune');
    const m = tiny(4);
    const opt = createOptimizer({ type: 'adam' }, m.namedParameters());
    await saveCheckpoint(d, { model: m, optimizer: opt, epoch: 0, step: 5, globalStep: 5, rng: [], config: {} });
    await writeFile(join(d, 'ckpt-000000-00000009.model.safetensors.tmp-999999-deadbeef'), 'partial');
    // The temp-file name of @cnn/core/node's writeFileAtomic (what train writes with now).
    await writeFile(join(d, '.ckpt-000000-00000009.optim.safetensors.999999.deadbeef.tmp'), 'partial');
    for (let e = 1; e <= 3; e++) await saveCheckpoint(d, { model: m, optimizer: opt, epoch: e, step: 0, globalStep: 10 * e, rng: [], config: {}, keep: 2 });
    const names = (await readdir(d)).sort();
    expect(names.filter((n) => n.endsWith('.json') && n !== 'latest.json')).toEqual(['ckpt-000002-00000000.json', 'ckpt-000003-00000000.json']);
    expect(names.filter((n) => n.includes('.tmp'))).toEqual([]);
    m.dispose();
    opt.dispose();
  });

  it('reports a missing or corrupt file by name', async () => {
    expect(await loadLatestCheckpoint(join(dir, 'nothing-here'))).toBeNull();
    const d = join(dir, 'corrupt');
    const m = tiny(5);
    const opt = createOptimizer({ type: 'sgd' }, m.namedParameters());
    const path = await saveCheckpoint(d, { model: m, optimizer: opt, epoch: 0, step: 1, globalStep: 1, rng: [], config: {} });
    const state = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(join(d, state.files.model), new Uint8Array(16));
    const ck = await loadCheckpoint(path);
    expect(() => restoreCheckpoint(ck, m, opt)).toThrow(/model\.safetensors/);
    await writeFile(path, '{"format":"other"}');
    await expect(loadCheckpoint(path)).rejects.toThrow(/not a cnn-train checkpoint/);
    m.dispose();
    opt.dispose();
  });

  it('refuses weights of another architecture, naming the tensor', async () => {
    const d = join(dir, 'arch');
    const m = tiny(6);
    const opt = createOptimizer({ type: 'sgd' }, m.namedParameters());
    await saveCheckpoint(d, { model: m, optimizer: opt, epoch: 0, step: 1, globalStep: 1, rng: [], config: {} });
    const other = createModel('resnet20', { widths: [4, 8, 16], depths: [1, 1, 1], stemWidth: 4 });
    const opt2 = createOptimizer({ type: 'sgd' }, other.namedParameters());
    const ck = await loadLatestCheckpoint(d);
    expect(() => restoreCheckpoint(ck!, other, opt2)).toThrow(/layer3/);
    for (const x of [m, other]) x.dispose();
    opt.dispose();
    opt2.dispose();
  });
});
