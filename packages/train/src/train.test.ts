import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import type { LabeledBatch } from '@cnn/core';
import { cifarTrainTransform, loader, randomCropFlip, type Dataset } from '@cnn/data';
import { loadCifar } from '@cnn/data/node';
import { createModel, loadWeights, type Model } from '@cnn/models';
import { metricValue, NonFiniteLossError } from './train.js';
import { train, type NodeTrainOptions as TrainOptions } from './node-train.js';
import type { StepRecord } from './types.js';

// <repo>/../shared/data: the repo root is three levels above this file's directory.
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DATA = join(REPO, '..', 'shared', 'data');
const N_TRAIN = 256;
const N_TEST = 128;

let trainSet: Dataset;
let testSet: Dataset;
let tmp: string;

/** The first `n` examples of a dataset (a view, no copy). */
function head(ds: Dataset, n: number): Dataset {
  return { length: Math.min(n, ds.length), classNames: ds.classNames, get: (i, rng) => ds.get(i, rng) };
}

const tinyModel = (seed = 0): Model => createModel('resnet20', { widths: [8, 16, 16], depths: [1, 1, 1], stemWidth: 8, seed });

function baseOptions(model: Model, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    model,
    trainLoader: loader(trainSet, { batchSize: 32, shuffle: true, seed: 3, transform: cifarTrainTransform(), prefetch: 1 }),
    evalLoader: loader(testSet, { batchSize: 64, prefetch: 0 }),
    epochs: 2,
    optimizer: { type: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4, noDecayOnBnAndBias: true },
    schedule: { type: 'cosine', lr: 0.05 },
    seed: 7,
    progress: 'none',
    logEverySteps: 1,
    ...extra,
  };
}

beforeAll(async () => {
  if (!existsSync(join(DATA, 'cifar-10-batches-bin'))) throw new Error(`CIFAR-10 binary data not found under ${DATA}`);
  trainSet = head(await loadCifar({ root: DATA, split: 'train', files: ['data_batch_1.bin'] }), N_TRAIN);
  testSet = head(await loadCifar({ root: DATA, split: 'test' }), N_TEST);
  tmp = await mkdtemp(join(tmpdir(), 'cnn-train-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function tryBackend(name: 'tensorflow' | 'wasm' | 'cpu'): Promise<string | null> {
  try {
    await initBackend(name);
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

for (const backend of ['tensorflow', 'wasm', 'cpu'] as const) {
  describe(`two-epoch standard run on 256 real CIFAR-10 images (${backend})`, () => {
    it('loss falls, no tensor leaks per step, checkpoint + best + metrics + report written', async (ctx) => {
      const unavailable = await tryBackend(backend);
      if (unavailable) {
        console.warn(`skipping ${backend}: ${unavailable}`);
        ctx.skip();
      }
      const out = join(tmp, `standard-${backend}`);
      // The plain-JS cpu backend is ~30× slower: a smaller run there (16×16 crops of the same images).
      const small = backend === 'cpu';
      const nTrain = small ? 64 : N_TRAIN;
      const nTest = small ? 32 : N_TEST;
      const batchSize = small ? 16 : 32;
      const model = small ? createModel('resnet20', { widths: [4, 8, 8], depths: [1, 1, 1], stemWidth: 4 }) : tinyModel();
      const before = tf.memory().numTensors;
      const counts: number[] = [];
      const steps: StepRecord[] = [];
      const history = await train(
        baseOptions(model, {
          outDir: out,
          trainLoader: loader(head(trainSet, nTrain), {
            batchSize,
            shuffle: true,
            seed: 3,
            transform: small ? randomCropFlip({ size: 16, padding: 0 }) : cifarTrainTransform(),
          }),
          evalLoader: loader(head(testSet, nTest), { batchSize: 64, transform: small ? randomCropFlip({ size: 16, padding: 0, flip: 0 }) : undefined }),
          onStep: (r) => {
            counts.push(tf.memory().numTensors);
            steps.push(r);
          },
          finalEvaluate: { attacks: [{ type: 'fgsm', eps: 8 / 255 }], keepExamples: 4 },
        }),
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(new Set(counts).size).toBe(1);
      const perEpoch = nTrain / batchSize;
      expect(steps).toHaveLength(2 * perEpoch);
      const q = perEpoch / 2;
      const first = steps.slice(0, q).reduce((s, r) => s + r.loss, 0) / q;
      const last = steps.slice(-q).reduce((s, r) => s + r.loss, 0) / q;
      expect(last).toBeLessThan(first);
      expect(history.epochs[1].trainLoss).toBeLessThan(history.epochs[0].trainLoss);
      expect(history.final!.n).toBe(nTest);
      if (!small) expect(history.final!.accuracy).toBeGreaterThan(0.1); // better than chance on held-out images
      expect(history.final!.robust!.perAttack.fgsm).toBeLessThanOrEqual(history.final!.robust!.clean);

      const ckpts = await readdir(join(out, 'checkpoints'));
      expect(ckpts).toContain('latest.json');
      expect(JSON.parse(await readFile(join(out, 'checkpoints', 'latest.json'), 'utf8'))).toMatchObject({ epoch: 2, step: 0, globalStep: 2 * perEpoch });
      const reloaded = small ? createModel('resnet20', { widths: [4, 8, 8], depths: [1, 1, 1], stemWidth: 4, seed: 9 }) : tinyModel(99);
      await loadWeights(reloaded, join(out, 'best.safetensors'));
      reloaded.dispose();
      const lines = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.kind === 'epoch')).toHaveLength(2);
      expect(lines.filter((l) => l.kind === 'step')).toHaveLength(2 * perEpoch);
      expect(lines.at(-1).kind).toBe('final');
      const html = await readFile(history.files!.report!, 'utf8');
      expect(html).toContain('Reliability diagram');
      expect(html).toContain('<svg');
      expect(html).toMatch(/data:image\/png;base64,/);
      model.dispose();
    });
  });
}

describe('exact resume (tensorflow, else cpu)', () => {
  it('a run stopped mid-epoch and resumed gives the uninterrupted run’s losses, step for step', async () => {
    if (await tryBackend('tensorflow')) await initBackend('cpu');
    // mixup draws from the trainer's RNG, the loader augments from seed+epoch: both must be restored.
    const mode = { type: 'mixup', alpha: 1 } as const;
    const full: number[] = [];
    const a = tinyModel(1);
    await train(baseOptions(a, { mode, onStep: (r) => full.push(r.loss) }));
    a.dispose();

    const out = join(tmp, 'resume');
    const b = tinyModel(1);
    const partial: number[] = [];
    const h1 = await train(
      baseOptions(b, { mode, outDir: out, maxSteps: 5, checkpointEverySteps: 2, report: false, onStep: (r) => partial.push(r.loss) }),
    );
    b.dispose();
    expect(h1.epochs).toHaveLength(0);
    expect(JSON.parse(await readFile(join(out, 'checkpoints', 'latest.json'), 'utf8'))).toMatchObject({ epoch: 0, step: 5, globalStep: 5 });
    // Every 2 steps (2, 4) and at the stop (5); the default keeps the newest two.
    expect((await readdir(join(out, 'checkpoints'))).filter((f) => f.endsWith('.json')).sort()).toEqual([
      'ckpt-000000-00000004.json',
      'ckpt-000000-00000005.json',
      'latest.json',
    ]);

    // Another trainer seed cannot continue the same random stream: a clear error, not a silent restart.
    const other = tinyModel(1);
    await expect(train(baseOptions(other, { mode, outDir: out, resume: true, seed: 8, report: false }))).rejects.toThrow(/other settings.*seed 7 → 8/);
    other.dispose();

    const c = tinyModel(12345); // different init: everything must come from the checkpoint
    const rest: StepRecord[] = [];
    // Count reads: the Loader is asked to start at batch 5, so the 5 trained batches are never read.
    let reads = 0;
    const counting: Dataset = { ...trainSet, get: (i, rng) => (reads++, trainSet.get(i, rng)) };
    const trainLoader = loader(counting, { batchSize: 32, shuffle: true, seed: 3, transform: cifarTrainTransform(), prefetch: 1 });
    const h2 = await train(baseOptions(c, { mode, trainLoader, outDir: out, resume: true, report: false, onStep: (r) => rest.push(r) }));
    c.dispose();
    expect(reads).toBe((N_TRAIN - 5 * 32) + N_TRAIN);
    expect(h2.resumedFrom).toEqual({ epoch: 0, step: 5 });
    expect(rest[0]).toMatchObject({ epoch: 0, step: 5, globalStep: 5 });
    expect(partial).toEqual(full.slice(0, 5));
    expect(rest.map((r) => r.loss)).toEqual(full.slice(5));
    expect(h2.epochs).toHaveLength(2);
  });
});

describe('exact resume with dropout and a plain (epoch) => batches loader (tensorflow, else cpu)', () => {
  it('a Wide ResNet with dropout resumed mid-epoch draws the same masks: identical step losses', async () => {
    if (await tryBackend('tensorflow')) await initBackend('cpu');
    const wrn = (seed: number): Model => createModel('wrn_10_1', { widths: [8, 12, 16], stemWidth: 8, dropout: 0.3, seed });
    const data = loader(head(trainSet, 128), { batchSize: 32, shuffle: true, seed: 5, transform: cifarTrainTransform(), prefetch: 0 });
    // A plain function loader that ignores the start: the trainer skips by iterating.
    const opts = (model: Model, extra: Partial<TrainOptions>): TrainOptions =>
      baseOptions(model, { trainLoader: (e: number) => data.withEpoch(e), evalLoader: undefined, epochs: 2, report: false, ...extra });
    const full: number[] = [];
    const a = wrn(1);
    await train(opts(a, { onStep: (r) => full.push(r.loss) }));
    a.dispose();

    const out = join(tmp, 'resume-dropout');
    const b = wrn(1);
    await train(opts(b, { outDir: out, maxSteps: 2 }));
    b.dispose();
    const state = JSON.parse(await readFile(join(out, 'checkpoints', 'ckpt-000000-00000002.json'), 'utf8'));
    expect(state.modelRng).toEqual(expect.any(Array));

    // Another batch size changes the steps per epoch: refused as a changed setting, and even when
    // forced, resuming step 2 with one-batch epochs is named, not a loader's range error.
    const big = loader(head(trainSet, 128), { batchSize: 128, shuffle: true, seed: 5, prefetch: 0 });
    const d = wrn(1);
    await expect(train(opts(d, { trainLoader: big, outDir: out, resume: true }))).rejects.toThrow(/stepsPerEpoch 4 → 1/);
    await expect(train(opts(d, { trainLoader: big, outDir: out, forceResume: true }))).rejects.toThrow(/at step 2 of epoch 1, but an epoch now has 1 steps/);
    d.dispose();
    // The dropout stream belongs to the model's seed: another seed cannot resume exactly, and says so.
    const other = wrn(777);
    await expect(train(opts(other, { outDir: out, resume: true }))).rejects.toThrow(/dropout RNG.*same seed/);
    other.dispose();
    // A fresh model of the same seed starts its dropout stream from the beginning: only the
    // checkpoint's stream state makes the masks of steps 3.. match.
    const c = wrn(1);
    const rest: number[] = [];
    await train(opts(c, { outDir: out, resume: true, onStep: (r) => rest.push(r.loss) }));
    c.dispose();
    expect(full).toHaveLength(8);
    expect(rest).toEqual(full.slice(2));
  });
});

describe('training modes (tensorflow, else cpu)', () => {
  const modes: TrainOptions['mode'][] = [
    { type: 'cutmix', alpha: 1 },
    { type: 'pgd', eps: 8 / 255, steps: 2, bnMode: 'train', cleanFraction: 0.5 },
    { type: 'pgd', eps: 8 / 255, steps: 2 },
    { type: 'fgsm-rs', eps: 8 / 255 },
  ];
  for (const mode of modes) {
    it(`${JSON.stringify(mode)} runs, leaks nothing, and is evaluated under PGD`, async () => {
      if (await tryBackend('tensorflow')) await initBackend('cpu');
      const model = tinyModel(2);
      const before = tf.memory().numTensors;
      const counts: number[] = [];
      const h = await train(
        baseOptions(model, {
          mode,
          epochs: 1,
          maxSteps: 4,
          schedule: { type: 'onecycle', maxLr: 0.1 },
          evaluate: { attacks: [{ type: 'pgd', eps: 8 / 255, steps: 2 }], maxExamples: 64 },
          // One case also runs AdamW, label smoothing and gradient clipping inside the loop.
          ...(mode?.type === 'cutmix' ? { optimizer: { type: 'adamw', weightDecay: 0.05 }, schedule: { type: 'constant', lr: 1e-3 }, labelSmoothing: 0.1, gradClipNorm: 1 } : {}),
          onStep: (r) => {
            counts.push(tf.memory().numTensors);
            expect(Number.isFinite(r.loss)).toBe(true);
            expect(r.gradNorm).toBeGreaterThan(0);
          },
        }),
      );
      expect(counts).toHaveLength(4);
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      const r = h.final!.robust!;
      expect(r.n).toBe(64);
      expect(r.worstCase).toBeLessThanOrEqual(r.perAttack['pgd-2']);
      model.dispose();
    });
  }
});

describe('failure handling (tensorflow, else cpu)', () => {
  it('a NaN loss stops the run with an error naming epoch and step', async () => {
    if (await tryBackend('tensorflow')) await initBackend('cpu');
    const model = tinyModel(3);
    const before = tf.memory().numTensors;
    const nanLoader = (): AsyncIterable<LabeledBatch> & { length: number } => ({
      length: 3,
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 3; i++) {
          const x = tf.tidy(() => (i === 1 ? tf.fill([4, 32, 32, 3], NaN) : tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', i))) as tf.Tensor4D;
          yield { images: x, labels: tf.tensor1d([0, 1, 2, 3], 'int32') };
        }
      },
    });
    const out = join(tmp, 'nan');
    await expect(train({ ...baseOptions(model), outDir: out, trainLoader: () => nanLoader(), evalLoader: undefined })).rejects.toThrow(
      /non-finite training loss \(NaN\) at epoch 1, step 2/,
    );
    // metrics.jsonl ends with the reason, naming the step; no update was applied, so no checkpoint claims step 2.
    const last = JSON.parse((await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ kind: 'error', error: 'NonFiniteLossError', epoch: 0, step: 1, globalStep: 1 });
    expect(last.message).toMatch(/epoch 1, step 2/);
    expect(process.listenerCount('SIGINT')).toBe(0);
    await expect(train({ ...baseOptions(model), trainLoader: () => nanLoader(), evalLoader: undefined })).rejects.toBeInstanceOf(NonFiniteLossError);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('SIGINT writes a checkpoint after the current step and stops; resume finishes the run', async () => {
    if (await tryBackend('tensorflow')) await initBackend('cpu');
    const out = join(tmp, 'sigint');
    const model = tinyModel(4);
    const h = await train(
      baseOptions(model, {
        outDir: out,
        epochs: 1,
        onStep: (r) => {
          if (r.globalStep === 2) process.emit('SIGINT');
        },
      }),
    );
    expect(h.interrupted).toBe(true);
    expect(JSON.parse(await readFile(join(out, 'checkpoints', 'latest.json'), 'utf8'))).toMatchObject({ epoch: 0, step: 3 });
    expect(process.listenerCount('SIGINT')).toBe(0);
    const h2 = await train(baseOptions(model, { outDir: out, epochs: 1, resume: true }));
    expect(h2.interrupted).toBeUndefined();
    expect(h2.epochs).toHaveLength(1);
    model.dispose();
  });
});

describe('metricValue (best-model metric lookup)', () => {
  const r = {
    n: 10,
    accuracy: 0.8,
    nll: 0.5,
    brier: 0.3,
    ece: 0.05,
    calibrationErrorTopLabel: 0.04,
    calibrationErrorMarginal: 0.02,
    robust: { clean: 0.8, perAttack: { 'pgd-20': 0.4, fgsm: 0.5 }, worstCase: 0.35, n: 10, attacks: [] },
  };
  it('reads plain and robust metrics', () => {
    expect(metricValue(r, 'accuracy')).toBe(0.8);
    expect(metricValue(r, 'ece')).toBe(0.05);
    expect(metricValue(r, 'robust.worstCase')).toBe(0.35);
    expect(metricValue(r, 'robust.pgd-20')).toBe(0.4);
    expect(metricValue(r, 'robust.perAttack.fgsm')).toBe(0.5);
  });
  it('names what is missing', () => {
    expect(() => metricValue(r, 'robust.apgd')).toThrow(/have pgd-20, fgsm/);
    expect(() => metricValue({ ...r, robust: undefined }, 'robust.worstCase')).toThrow(/needs evaluation attacks/);
    expect(() => metricValue(r, 'accuracy2')).toThrow(/not a number/);
  });
});
