import type { Dataset } from '@cnn/data';

/** The first `n` examples of `dataset` (all of it when `n` is undefined or ≥ its length). */
export function firstN(dataset: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= dataset.length) return dataset;
  return {
    length: n,
    classNames: dataset.classNames,
    get: (index, rng) => {
      if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`subset: index ${index} out of range [0, ${n})`);
      return dataset.get(index, rng);
    },
    ...(dataset.getMany ? { getMany: dataset.getMany.bind(dataset) } : {}),
  };
}
