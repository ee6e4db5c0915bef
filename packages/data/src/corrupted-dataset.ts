import { createRng, type Rng } from '@cnn/core';
import { corrupt, CORRUPTIONS, type CorruptionName, type CorruptOptions } from '@cnn/corruptions';
import type { Dataset, Sample } from './dataset.js';
import { describeValue } from './describe-value.js';

/** Options of {@link corruptedDataset}: the seed, and `corrupt`'s `table` / `frostOverlays`. */
export type CorruptedDatasetOptions = CorruptOptions;

/**
 * `dataset` with every example corrupted by `corrupt` of `@cnn/corruptions` (one of the 19
 * CIFAR-10-C / ImageNet-C corruptions at severity 1–5), when it is read. Example `i` always gets
 * the same corruption noise: its seed is drawn from `createRng(seed).fork(i)`, so the result
 * depends on the seed and the index only (not on the order, the batch or the loader's generator).
 * Labels and class names are the data set's.
 */
export function corruptedDataset(dataset: Dataset, name: CorruptionName, severity: number, options: CorruptedDatasetOptions): Dataset {
  if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function') {
    throw new Error(`corruptedDataset: dataset must be a Dataset (length, classNames, get), got ${describeValue(dataset)}`);
  }
  if (!(CORRUPTIONS as readonly unknown[]).includes(name)) throw new Error(`corruptedDataset: unknown corruption ${describeValue(name)}; the names are ${CORRUPTIONS.join(' ')}`);
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new Error(`corruptedDataset: severity must be an integer from 1 to 5, got ${describeValue(severity)}`);
  const seed = options?.seed;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new Error(`corruptedDataset: options.seed must be a finite number, got ${describeValue(seed)}`);
  const root = createRng(seed);

  const apply = (sample: Sample, index: number): Sample => {
    const seedOfExample = root.fork(index).int(2 ** 32);
    try {
      const out = corrupt({ image: sample.image, height: sample.height, width: sample.width }, name, severity, { ...options, seed: seedOfExample });
      return { image: out.image, height: out.height, width: out.width, label: sample.label };
    } catch (err) {
      throw new Error(`corruptedDataset: example ${index} (${sample.height}×${sample.width}): ${(err as Error).message}`, { cause: err });
    }
  };
  const corrupted: Dataset = {
    length: dataset.length,
    classNames: dataset.classNames,
    get: (index: number, rng?: Rng) => {
      const sample = dataset.get(index, rng);
      return 'then' in sample ? Promise.resolve(sample).then((s) => apply(s, index)) : apply(sample, index);
    },
  };
  const getMany = dataset.getMany?.bind(dataset);
  if (getMany) corrupted.getMany = async (indices, rng) => (await getMany(indices, rng)).map((s, k) => apply(s, indices[k]));
  return corrupted;
}
