import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loader, type Dataset } from '@cnn/data';
import { train, type NodeTrainOptions as TrainOptions } from './node-train.js';
import { cifarHead, crop16, readRecords, tensorflowElseCpu, tinyModel } from './test-data.js';

// Resume bookkeeping: a changed configuration is refused, metrics.jsonl never repeats a step, a
// finished run stays finished. 32 real CIFAR-10 images (16×16 crops) in batches of 8: 4 steps per epoch.
let trainSet: Dataset;
let testSet: Dataset;
let tmp: string;

beforeAll(async () => {
  await tensorflowElseCpu();
  trainSet = await cifarHead(32);
  testSet = await cifarHead(16, 'test');
  tmp = await mkdtemp(join(tmpdir(), 'cnn-train-resume-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const options = (outDir: string, extra: Partial<TrainOptions> = {}): TrainOptions => ({
  model: tinyModel(1),
  trainLoader: loader(trainSet, { batchSize: 8, shuffle: true, seed: 3, prefetch: 0, transform: crop16() }),
  epochs: 2,
  optimizer: { type: 'sgd', momentum: 0.9 },
  schedule: { type: 'constant', lr: 0.05 },
  seed: 7,
  progress: 'none',
  logEverySteps: 1,
  report: false,
  outDir,
  ...extra,
});

/** Runs train and disposes the model it was given, also when train throws. */
async function run(o: TrainOptions) {
  try {
    return await train(o);
  } finally {
    (o.model as unknown as { dispose(): void }).dispose();
  }
}

/** A process that dies (here: an exception from onStep) right after step `globalStep` was logged. */
const dieAt = (globalStep: number): Partial<TrainOptions> => ({
  onStep: (r) => {
    if (r.globalStep === globalStep) throw new Error('simulated kill');
  },
});

const kinds = (records: Array<Record<string, unknown>>) => records.map((r) => r.kind);
const stepIds = (records: Array<Record<string, unknown>>) => records.filter((r) => r.kind === 'step').map((r) => r.globalStep);

describe('resume refuses a changed training configuration', () => {
  it('names every changed setting with its old and new value; forceResume continues with the new ones', async () => {
    const out = join(tmp, 'changed');
    await run(options(out, { maxSteps: 3 }));
    const metrics = join(out, 'metrics.jsonl');
    const logBefore = await readFile(metrics, 'utf8');
    const before = tf.memory().numTensors;
    const changed: Partial<TrainOptions> = {
      resume: true,
      schedule: { type: 'constant', lr: 0.1 },
      mode: { type: 'pgd', eps: 8 / 255, steps: 1 },
      optimizer: { type: 'sgd', momentum: 0.5 },
      epochs: 3,
    };
    const refused = run(options(out, changed));
    await expect(refused).rejects.toThrow(/was written with other settings/);
    const message = await refused.catch((e: Error) => e.message);
    for (const change of ['epochs 2 → 3', 'optimizer.momentum 0.9 → 0.5', 'schedule.lr 0.05 → 0.1', 'mode.type "standard" → "pgd"', `mode.eps (not set) → ${8 / 255}`]) {
      expect(message).toContain(change);
    }
    expect(message).toMatch(/forceResume: true/);
    // Refused before anything was restored or written.
    expect(tf.memory().numTensors).toBe(before);
    expect(await readFile(metrics, 'utf8')).toBe(logBefore);
    // Another seed is one more change (no longer a message of its own).
    await expect(run(options(out, { resume: true, seed: 8 }))).rejects.toThrow(/seed 7 → 8/);

    const h = await run(options(out, { ...changed, resume: false, forceResume: true }));
    expect(h.resumedFrom).toEqual({ epoch: 0, step: 3 });
    expect(h.epochs).toHaveLength(3);
    const resume = (await readRecords(metrics)).find((r) => r.kind === 'resume')!;
    expect((resume.changed as Array<{ setting: string }>).map((c) => c.setting)).toEqual(
      expect.arrayContaining(['epochs', 'optimizer.momentum', 'schedule.lr', 'mode.type', 'mode.eps', 'mode.steps']),
    );
  });
});

describe('metrics.jsonl: one start record, one resume record per resumed process, no step twice', () => {
  it('a run that died before its first checkpoint starts again with a fresh log', async () => {
    const out = join(tmp, 'no-checkpoint');
    await expect(run(options(out, dieAt(2)))).rejects.toThrow('simulated kill');
    expect(existsSync(join(out, 'checkpoints'))).toBe(false);
    expect(kinds(await readRecords(join(out, 'metrics.jsonl')))).toEqual(['start', 'step', 'step', 'step']);

    await run(options(out, { resume: true }));
    const records = await readRecords(join(out, 'metrics.jsonl'));
    expect(records.filter((r) => r.kind === 'start')).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'start', discarded: 4 });
    expect(stepIds(records)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(records.filter((r) => r.kind === 'epoch').map((r) => r.epoch)).toEqual([0, 1]);
  });

  it('a run that died after a checkpoint drops the records after it and adds one resume record', async () => {
    const out = join(tmp, 'mid-epoch');
    // Checkpoints after 2 and 4 steps (global steps 0–1 and 0–3 done); dies once step 5 is logged.
    await expect(run(options(out, { checkpointEverySteps: 2, ...dieAt(5) }))).rejects.toThrow('simulated kill');
    expect(stepIds(await readRecords(join(out, 'metrics.jsonl')))).toEqual([0, 1, 2, 3, 4, 5]);
    // The first resume dies too, after one more step: two resumed processes.
    await expect(run(options(out, { resume: true, checkpointEverySteps: 2, ...dieAt(6) }))).rejects.toThrow('simulated kill');
    const h = await run(options(out, { resume: true, checkpointEverySteps: 2 }));
    expect(h.resumedFrom).toEqual({ epoch: 1, step: 2 });
    const records = await readRecords(join(out, 'metrics.jsonl'));
    expect(kinds(records).filter((k) => k === 'start')).toHaveLength(1);
    const resumes = records.filter((r) => r.kind === 'resume');
    expect(resumes.map((r) => [r.globalStep, r.discarded])).toEqual([
      [4, 2], // steps 4 and 5 were trained again
      [6, 1], // step 6 was trained again
    ]);
    expect(stepIds(records)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(records.filter((r) => r.kind === 'epoch').map((r) => r.epoch)).toEqual([0, 1]);
  });
});

describe('resume of a finished run', () => {
  it('says so and does nothing; after a kill during the final evaluation it runs only that', async () => {
    const out = join(tmp, 'finished');
    const withEval = { evalLoader: loader(testSet, { batchSize: 16, transform: crop16() }), report: true };
    const first = await run(options(out, withEval));
    expect(first.final?.n).toBe(16);
    const metrics = join(out, 'metrics.jsonl');
    const log = await readFile(metrics, 'utf8');
    const reportTime = (await stat(join(out, 'report.html'))).mtimeMs;
    let steps = 0;
    const again = await run(options(out, { ...withEval, resume: true, onStep: () => steps++ }));
    expect(again.alreadyFinished).toBe(true);
    expect(again.resumedFrom).toBeUndefined();
    expect(again.epochs).toHaveLength(2);
    expect(again.files?.report).toBe(join(out, 'report.html'));
    expect(steps).toBe(0);
    expect(await readFile(metrics, 'utf8')).toBe(log);
    expect((await stat(join(out, 'report.html'))).mtimeMs).toBe(reportTime);

    // latest.json without `finished`: the process died after the last checkpoint, during the final evaluation.
    const latest = join(out, 'checkpoints', 'latest.json');
    const { finished, finishedAt, ...pointer } = JSON.parse(await readFile(latest, 'utf8'));
    expect(finished).toBe(true);
    expect(typeof finishedAt).toBe('string');
    await writeFile(latest, JSON.stringify(pointer));
    const rest = await run(options(out, { ...withEval, resume: true, onStep: () => steps++ }));
    expect(steps).toBe(0);
    expect(rest.final?.n).toBe(16);
    expect(rest.resumedFrom).toEqual({ epoch: 2, step: 0 });
    const records = await readRecords(metrics);
    expect(kinds(records)).toEqual(['start', ...Array(4).fill('step'), 'epoch', ...Array(4).fill('step'), 'epoch', 'resume', 'final']);
    expect(JSON.parse(await readFile(latest, 'utf8')).finished).toBe(true);
  });

  it('a fresh start over an existing run is refused (resume: true continues it)', async () => {
    const out = join(tmp, 'finished');
    await expect(run(options(out))).rejects.toThrow(/already holds a run .*latest\.json.*pass resume: true/);
  });
});
