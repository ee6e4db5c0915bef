import type { Dataset } from '@cnn/data';

/**
 * `n` examples spread evenly over `dataset` (indices ⌊i·length/n⌋), or all of it when `n` is
 * undefined or ≥ its length. Image folders are ordered by class, so a prefix would drop whole
 * classes; an even spread keeps every class.
 */
export function evenSubset(dataset: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= dataset.length) return dataset;
  const pick = (i: number): number => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`subset: index ${i} out of range [0, ${n})`);
    return Math.floor((i * dataset.length) / n);
  };
  return {
    length: n,
    classNames: dataset.classNames,
    get: (index, rng) => dataset.get(pick(index), rng),
    ...(dataset.getMany ? { getMany: (indices, rng) => dataset.getMany!(indices.map(pick), rng) } : {}),
  };
}
