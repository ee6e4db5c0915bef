import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { loader, type Dataset } from '@cnn/data';
import type { CommonRunConfig } from './config.js';
import { augmixTrainTransform, corruptionEvalOption, describeMode } from './run-wiring.js';
import { CliError } from './cli-error.js';

const augmix = { jsd: true, jsdWeight: 12, severity: 3, width: 3, depth: -1, alpha: 1, allOps: false };
const config = { mode: { type: 'augmix', jsd: true, jsdWeight: 12 }, augmix } as unknown as CommonRunConfig;

beforeAll(async () => {
  await initBackend('cpu');
});

describe('augmixTrainTransform', () => {
  const pixels = (k: number) => Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 37 + k * 11) % 256);
  const images: Dataset = { length: 2, classNames: ['a', 'b'], get: (k) => ({ image: pixels(k), height: 8, width: 8, label: k }) };

  it('with the JSD loss: a loader batch of 2 labels holds 6 images, view-major, the clean ones first', async () => {
    for await (const b of loader(images, { batchSize: 2, transform: augmixTrainTransform(config, false), prefetch: 0 })) {
      expect(b.images.shape).toEqual([6, 8, 8, 3]);
      expect(b.labels.shape).toEqual([2]);
      const x = b.images.dataSync();
      const n = 8 * 8 * 3;
      // base false: the clean views are the images themselves; the AugMix views differ.
      expect(Array.from(x.subarray(0, n))).toEqual(Array.from(pixels(0), (v) => Math.fround(v / 255)));
      expect(Array.from(x.subarray(n, 2 * n))).toEqual(Array.from(pixels(1), (v) => Math.fround(v / 255)));
      expect(Array.from(x.subarray(2 * n, 3 * n))).not.toEqual(Array.from(x.subarray(0, n)));
      b.images.dispose();
      b.labels.dispose();
      return;
    }
    throw new Error('no batch');
  });

  it('--no-jsd: one view; a crop base sets the output size', () => {
    const t = augmixTrainTransform({ ...config, augmix: { ...augmix, jsd: false } }, { size: 6, padding: 0 });
    expect(t.views ?? 1).toBe(1);
    expect(t.outputSize(8, 8)).toEqual([6, 6]);
  });
});

describe('describeMode', () => {
  it('names AugMix with or without the Jensen–Shannon loss', () => {
    expect(describeMode(config)).toBe('AugMix + JSD λ=12');
    expect(describeMode({ ...config, mode: { type: 'augmix', jsd: false } })).toBe('AugMix');
  });
});

describe('corruptionEvalOption', () => {
  const sized = (size: number): Dataset => ({ length: 3, classNames: ['a'], get: () => ({ image: new Uint8Array(size * size * 3).fill(90), height: size, width: size, label: 0 }) });
  const withCorruptions = { seed: 3, corruptionEval: { corruptions: ['fog'], limit: 10 } } as unknown as CommonRunConfig;

  it('absent without --eval-corruptions; with it, corrupt of @cnn/corruptions and the limit capped at the test set', async () => {
    expect(await corruptionEvalOption({} as CommonRunConfig, sized(32))).toEqual({});
    const o = (await corruptionEvalOption(withCorruptions, sized(32))).corruptionEval!;
    expect(o.options).toMatchObject({ corruptions: ['fog'], limit: 3, seed: 3 });
    expect(typeof o.options.corrupt).toBe('function');
  });

  it('test images the corruptions cannot take (16×16) stop the run before training, naming the size', async () => {
    const run = corruptionEvalOption(withCorruptions, sized(16));
    await expect(run).rejects.toBeInstanceOf(CliError);
    await expect(corruptionEvalOption(withCorruptions, sized(16))).rejects.toThrow(/^--eval-corruptions: the 16×16 test images cannot be corrupted: /);
  });
});
