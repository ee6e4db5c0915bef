import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loader, type Dataset } from '@cnn/data';
import { MemoryCheckpointSink } from './checkpoint-sink.js';
import { FileCheckpointSink } from './checkpoint-files.js';
import { train } from './train.js';
import { train as trainInFolder } from './node-train.js';
import { cifarHead, crop16, tensorflowElseCpu, tinyModel } from './test-data.js';
import type { StepRecord, TrainOptions } from './types.js';

// The root entry's loop (what runs in a browser): checkpoints to a sink, no files. 32 real CIFAR-10
// images (16×16 crops) in batches of 8: 4 steps per epoch, 2 epochs.
let trainSet: Dataset;
let tmp: string;

beforeAll(async () => {
  await tensorflowElseCpu();
  trainSet = await cifarHead(32);
  tmp = await mkdtemp(join(tmpdir(), 'cnn-train-memory-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const options = (extra: Partial<TrainOptions> = {}): TrainOptions => ({
  model: tinyModel(1),
  trainLoader: loader(trainSet, { batchSize: 8, shuffle: true, seed: 3, prefetch: 0, transform: crop16() }),
  epochs: 2,
  optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 5e-4 },
  schedule: { type: 'cosine', lr: 0.05 },
  seed: 7,
  progress: 'none',
  logEverySteps: 1,
  ...extra,
});

/** Runs `run(o)` and disposes the model it was given; returns the history and every step's loss. */
async function losses(o: TrainOptions, run: (o: TrainOptions) => ReturnType<typeof train> = train) {
  const steps: StepRecord[] = [];
  try {
    const history = await run({ ...o, onStep: (r) => (steps.push(r), o.onStep?.(r)) });
    return { history, losses: steps.map((s) => s.loss), first: steps[0]?.globalStep };
  } finally {
    (o.model as unknown as { dispose(): void }).dispose();
  }
}

describe('train (root entry) with a MemoryCheckpointSink', () => {
  it('stopped mid-epoch and resumed from the sink, it gives the uninterrupted run’s losses step for step', async () => {
    const whole = await losses(options());
    expect(whole.losses).toHaveLength(8);
    const sink = new MemoryCheckpointSink();
    const before = tf.memory().numTensors;
    const first = await losses(options({ checkpoints: sink, maxSteps: 3 }));
    expect(first.losses).toEqual(whole.losses.slice(0, 3));
    const second = await losses(options({ checkpoints: sink, resume: true }));
    expect(second.history.resumedFrom).toEqual({ epoch: 0, step: 3 });
    expect(second.first).toBe(3);
    expect(second.losses).toEqual(whole.losses.slice(3));
    expect(second.history.files).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
    // The last act of a complete run: the sink says finished, and a resume does nothing.
    expect((await sink.loadLatest())?.finished).toBe(true);
    const again = await losses(options({ checkpoints: sink, resume: true }));
    expect(again.history.alreadyFinished).toBe(true);
    expect(again.losses).toEqual([]);
  });

  it('an aborted signal stops after the current step with a checkpoint; the resume continues there', async () => {
    const whole = await losses(options({ epochs: 1 }));
    const sink = new MemoryCheckpointSink('tab');
    const stop = new AbortController();
    const first = await losses(options({ epochs: 1, checkpoints: sink, onStep: (r) => void (r.globalStep === 1 && stop.abort()), signal: stop.signal }));
    expect(first.history.interrupted).toBe(true);
    expect(first.losses).toHaveLength(2);
    const stored = await sink.loadLatest();
    expect(stored).toMatchObject({ path: 'tab#0-2', finished: false, state: { epoch: 0, step: 2, globalStep: 2 } });
    const second = await losses(options({ epochs: 1, checkpoints: sink, resume: true }));
    expect(second.losses).toEqual(whole.losses.slice(2));
  });

  it('refuses a fresh start over a sink that holds a run, and a resume without a sink', async () => {
    const sink = new MemoryCheckpointSink('tab');
    await losses(options({ checkpoints: sink, maxSteps: 1 }));
    await expect(losses(options({ checkpoints: sink }))).rejects.toThrow(/checkpoint sink tab already holds a run \(tab#0-1\): pass resume: true/);
    await expect(losses(options({ resume: true }))).rejects.toThrow(/resume needs options\.checkpoints/);
    await expect(losses(options({ checkpoints: {} as MemoryCheckpointSink }))).rejects.toThrow(/options\.checkpoints must be a CheckpointSink .*missing save, loadLatest, markFinished, location/);
  });

  it("has no terminal bar: progress 'bar' is a clear error", async () => {
    await expect(losses(options({ progress: 'bar' }))).rejects.toThrow(/'bar' needs a terminal: use train of @cnn\/train\/node/);
  });
});

describe('FileCheckpointSink', () => {
  it('given to the root entry’s train, writes the same files as train({ outDir }) of @cnn/train/node', async () => {
    const viaSink = join(tmp, 'sink');
    const viaFolder = join(tmp, 'folder');
    await losses(options({ checkpoints: new FileCheckpointSink(viaSink), maxSteps: 6, checkpointEverySteps: 2 }));
    await losses({ ...options({ maxSteps: 6, checkpointEverySteps: 2 }), outDir: viaFolder, report: false } as TrainOptions, trainInFolder as typeof train);
    const names = (await readdir(viaSink)).sort();
    expect(names).toEqual(['ckpt-000001-00000000.json', 'ckpt-000001-00000000.model.safetensors', 'ckpt-000001-00000000.optim.safetensors',
      'ckpt-000001-00000002.json', 'ckpt-000001-00000002.model.safetensors', 'ckpt-000001-00000002.optim.safetensors', 'latest.json']);
    expect((await readdir(join(viaFolder, 'checkpoints'))).sort()).toEqual(names);
    for (const name of names.filter((n) => n.endsWith('.safetensors'))) {
      expect(await readFile(join(viaSink, name)), name).toEqual(await readFile(join(viaFolder, 'checkpoints', name)));
    }
    // Equal but for wall-clock numbers (time, seconds, images per second).
    const clock = new Set(['time', 'seconds', 'trainSeconds', 'imagesPerSecond']);
    const state = (dir: string) => readFile(join(dir, 'ckpt-000001-00000002.json'), 'utf8').then((t) => JSON.parse(t, (k, v) => (clock.has(k) ? 0 : v)));
    const fromSink = await state(viaSink);
    expect(fromSink).toEqual(await state(join(viaFolder, 'checkpoints')));
    expect(Object.keys(fromSink).slice(-2)).toEqual(['files', 'time']);
    expect(JSON.parse(await readFile(join(viaSink, 'latest.json'), 'utf8'))).toEqual({ state: 'ckpt-000001-00000002.json', epoch: 1, step: 2, globalStep: 6 });
  });
});
