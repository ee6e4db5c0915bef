import type { Rng } from '@cnn/core';

/**
 * One example as a data set hands it out: raw 8-bit pixels, HWC order, RGB (3 channels).
 *
 * `image` may be a view into the data set's own storage (CIFAR): treat it as read-only.
 */
export interface Sample {
  /** `height * width * 3` bytes, row-major, channels last (R, G, B), values 0–255. */
  image: Uint8Array;
  height: number;
  width: number;
  /** Class index in `[0, classNames.length)`. */
  label: number;
}

/**
 * What the loader needs from a data set. Both {@link CifarDataset} and `ImageFolderDataset` (`@cnn/data/node`)
 * satisfy it; plug in your own by implementing `length`, `classNames` and `get`.
 */
export interface Dataset {
  /** Number of examples. */
  readonly length: number;
  /** Class names; a label `k` means `classNames[k]`. */
  readonly classNames: readonly string[];
  /**
   * Example `index` (0-based). Data sets that decode or augment randomly (image folders with the
   * training transform) draw their randomness from `rng` when given, so a seeded loader is
   * reproducible.
   */
  get(index: number, rng?: Rng): Sample | Promise<Sample>;
  /**
   * Optional batched fetch, used by the loader when present (the image-folder data set spreads it
   * over worker threads). Must return the same samples, in order, as `get` would, drawing
   * randomness from `rng` in a fixed order independent of scheduling.
   */
  getMany?(indices: readonly number[], rng?: Rng): Promise<Sample[]>;
}

/** Checks that `index` is an integer in `[0, length)`; throws a RangeError naming the data set. */
export function checkIndex(index: number, length: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${what}: index ${index} out of range [0, ${length})`);
  }
}
