import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWeights } from '@cnn/models';
import { RunFiles } from './run-files.js';
import { readRecords, tensorflowElseCpu, tinyModel } from './test-data.js';

let dir: string;
beforeAll(async () => {
  await tensorflowElseCpu();
  dir = await mkdtemp(join(tmpdir(), 'cnn-train-runfiles-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('RunFiles', () => {
  it('creates the folder and owns its files: log, best weights + best.json, report; lists only what exists', async () => {
    const out = join(dir, 'a', 'run');
    const files = await RunFiles.open(out);
    expect(await readdir(out)).toEqual([]);
    expect(files.existing()).toEqual({ outDir: out, metrics: join(out, 'metrics.jsonl') });

    await files.log({ kind: 'step', step: 0 });
    await files.log({ kind: 'step', step: 1 });
    expect((await readRecords(files.metrics)).map((r) => r.step)).toEqual([0, 1]);

    const model = tinyModel(4);
    const before = tf.memory().numTensors;
    await files.saveBest(model, { epoch: 2, metric: 'accuracy', value: 0.5 });
    expect(tf.memory().numTensors).toBe(before);
    const copy = tinyModel(5);
    await loadWeights(copy, files.best);
    expect(Array.from(copy.stateDict()['conv1.weight'].dataSync())).toEqual(Array.from(model.stateDict()['conv1.weight'].dataSync()));
    expect(JSON.parse(await readFile(files.bestInfo, 'utf8'))).toMatchObject({ epoch: 2, metric: 'accuracy', value: 0.5 });
    expect(files.existing()).toEqual({ outDir: out, metrics: files.metrics, best: join(out, 'best.safetensors') });
    expect((await readdir(out)).sort()).toEqual(['best.json', 'best.safetensors', 'metrics.jsonl']);
    for (const m of [model, copy]) m.dispose();
  });
});
