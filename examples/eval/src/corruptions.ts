import type { Dataset } from '@cnn/data';
import { CliError } from '@cnn/example-common';
import type { Model } from '@cnn/models';
import { evaluateCorruptions, loadCorruptFunction, type CorruptFunction } from '@cnn/train';
import type { EvalSettings } from './args.js';
import { batchSeed } from './evaluate-batch.js';
import type { Range } from './shard.js';

let corrupt: CorruptFunction | undefined;

/** Loads `corrupt` of `@cnn/corruptions` for `--corruptions` before any work; a {@link CliError} when it cannot. */
export async function checkCorruptionsAvailable(settings: EvalSettings): Promise<void> {
  if (settings.corruptions.length === 0) return;
  try {
    corrupt = await loadCorruptFunction();
  } catch (error) {
    throw new CliError(`--corruptions: ${(error as Error).message}`);
  }
}

/**
 * Correct counts of the batch `range` per corruption × severity 1–5, by `evaluateCorruptions` of
 * `@cnn/train` on just these examples, seeded by the batch (its seed and first index), so a shard or
 * a resumed run corrupts every image exactly as a single process does.
 */
export async function batchCorruptionCounts(model: Model, data: Dataset, range: Range, settings: EvalSettings): Promise<number[][]> {
  const count = range.end - range.start;
  const view: Dataset = { length: count, classNames: data.classNames, get: (i) => data.get(range.start + i) };
  const r = await evaluateCorruptions(model, view, {
    corruptions: settings.corruptions,
    seed: batchSeed(settings.seed, range.start),
    batchSize: count,
    keepExample: false,
    ...(corrupt ? { corrupt } : {}),
  });
  return settings.corruptions.map((name) => r.accuracy[name].map((a) => Math.round(a * count)));
}
