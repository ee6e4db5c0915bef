import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loader, type Dataset } from '@cnn/data';
import type { CorruptFunction } from './corruption-types.js';
import { cifarHead, crop16, readRecords, tensorflowElseCpu, tinyModel } from './test-data.js';
import { train, type NodeTrainOptions as TrainOptions } from './node-train.js';

let trainSet: Dataset;
let testSet: Dataset;
let tmp: string;
beforeAll(async () => {
  await tensorflowElseCpu();
  trainSet = await cifarHead(8);
  testSet = await cifarHead(4, 'test');
  tmp = await mkdtemp(join(tmpdir(), 'cnn-train-corruptions-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A deterministic brightening, +30 per severity level. */
const brighten: CorruptFunction = (x, _name, severity) => ({ image: Uint8ClampedArray.from(x.image, (v) => v + 30 * severity) as unknown as Uint8Array, height: x.height, width: x.width });

const options = (outDir: string, extra: Partial<TrainOptions> = {}): TrainOptions => ({
  model: tinyModel(1),
  trainLoader: loader(trainSet, { batchSize: 4, prefetch: 0, transform: crop16() }),
  epochs: 1,
  optimizer: { type: 'sgd' },
  schedule: { type: 'constant', lr: 0.01 },
  progress: 'none',
  outDir,
  corruptionEval: { dataset: testSet, options: { corruptions: ['brighten', 'brighter'], severities: [1, 3], corrupt: brighten } },
  ...extra,
});

async function run(o: TrainOptions) {
  try {
    return await train(o);
  } finally {
    (o.model as unknown as { dispose(): void }).dispose();
  }
}

describe('train with corruptionEval', () => {
  it('evaluates the final model: history.corruptions, a corruptions record in metrics.jsonl (no images), the report section', async () => {
    const out = join(tmp, 'run');
    const before = tf.memory().numTensors;
    const h = await run(options(out));
    expect(tf.memory().numTensors).toBe(before);
    expect(h.corruptions).toMatchObject({ n: 4, corruptions: ['brighten', 'brighter'], severities: [1, 3] });
    const record = (await readRecords(join(out, 'metrics.jsonl'))).find((r) => r.kind === 'corruptions')!;
    expect(record).toMatchObject({ n: 4, accuracy: h.corruptions!.accuracy, meanAccuracy: h.corruptions!.meanAccuracy });
    expect(record.example).toBeUndefined();
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Corruption robustness</h2>');
    expect(html).toContain(h.corruptions!.example!.corrupted[0].image);
  });

  it('bad corruption options are refused before the run folder is made', async () => {
    const out = join(tmp, 'bad');
    const bad = options(out, { corruptionEval: { dataset: testSet, options: { corruptions: ['brighten'], severities: [7], corrupt: brighten } } });
    await expect(run(bad)).rejects.toThrow(/severities must be distinct integers from 1 to 5, got \[7\]/);
    expect(existsSync(out)).toBe(false);
  });
});
