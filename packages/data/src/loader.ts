import { createRng, type LabeledBatch, type Rng } from '@cnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, Sample } from './dataset.js';
import { toFloat, type BatchTransform, type HostBatch, type SampleTransform, type Transform } from './transform.js';

export interface LoaderOptions {
  /** Examples per batch (positive integer). */
  batchSize: number;
  /** Shuffle the order every epoch (default false). */
  shuffle?: boolean;
  /** Seed of every random choice (order, augmentation, mixup); default 0. */
  seed?: number;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /**
   * At most one sample transform (first; default {@link toFloat}) then any batch transforms, e.g.
   * `[cifarTrainTransform(), mixup({ alpha: 0.2 })]`.
   */
  transform?: Transform | readonly Transform[];
  /** Batches prepared ahead while the consumer works on the current one (default 2; 0 = none). */
  prefetch?: number;
  /** Epoch number: with `seed`, fixes the order and augmentation of this pass (default 0). */
  epoch?: number;
  /**
   * First batch to yield (default 0): batches `0 … startBatch-1` of the epoch are skipped without
   * reading, decoding or augmenting their examples, and batches `startBatch …` are exactly those a
   * full pass would yield (every batch's randomness depends only on `seed`, `epoch` and its index).
   * For resuming an epoch mid-way. An integer in `[0, length]`; `length` yields nothing.
   */
  startBatch?: number;
}

/** Options of {@link Loader.withEpoch}. */
export interface EpochOptions {
  /** First batch to yield, as {@link LoaderOptions.startBatch} (default 0: the whole epoch). */
  startBatch?: number;
}

/**
 * An async iterable of batches over a {@link Dataset}. Iterating it once is one epoch.
 *
 * **Ownership**: every {@link LabeledBatch} it yields (images, labels, targets) belongs to the
 * consumer, who must dispose it (e.g. `disposeBatch(batch)`) after use. The loader creates no other
 * tensors: batches are assembled in typed arrays and become tensors only when yielded, so breaking
 * out of the loop early leaks nothing.
 */
export interface Loader extends AsyncIterable<LabeledBatch> {
  /** Number of batches per epoch (the whole epoch, also when `startBatch` > 0). */
  readonly length: number;
  /** Index of the first batch this loader yields (0 unless `startBatch` was given). */
  readonly startBatch: number;
  readonly batchSize: number;
  readonly dataset: Dataset;
  /**
   * The same loader for another epoch (same seed, so epoch `e` is always the same pass), starting at
   * batch `options.startBatch` (default 0, whatever this loader's own `startBatch` is).
   *
   * @example
   * // resume epoch 3 after 120 trained steps: yields batches 120, 121, … of epoch 3
   * for await (const batch of train.withEpoch(3, { startBatch: 120 })) { step(batch); disposeBatch(batch); }
   */
  withEpoch(epoch: number, options?: EpochOptions): Loader;
  /** The example indices of every batch of this epoch, in order, including skipped ones (no data read). */
  batchIndices(): Int32Array[];
}

function splitTransforms(t: LoaderOptions['transform']): { sample: SampleTransform; batch: BatchTransform[] } {
  const list: readonly Transform[] = t === undefined ? [] : Array.isArray(t) ? (t as readonly Transform[]) : [t as Transform];
  let sample: SampleTransform | undefined;
  const batch: BatchTransform[] = [];
  list.forEach((tr, i) => {
    if (tr?.kind === 'sample') {
      if (sample || batch.length) throw new Error(`loader: transform[${i}] is a second or late sample transform; put one sample transform first`);
      sample = tr;
    } else if (tr?.kind === 'batch') {
      batch.push(tr);
    } else {
      throw new Error(`loader: transform[${i}] is not a SampleTransform or BatchTransform`);
    }
  });
  return { sample: sample ?? toFloat(), batch };
}

/** A macrotask: setImmediate in Node; browsers have none, and setTimeout(0) is fine there. */
const nextTurn: (fn: () => void) => void =
  typeof globalThis.setImmediate === 'function' ? (fn) => globalThis.setImmediate(fn) : (fn) => globalThis.setTimeout(fn, 0);

/** Seconds-free scheduling: run `fn` on a later turn of the event loop, so the consumer gets to work first. */
function later<T>(fn: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => nextTurn(() => fn().then(resolve, reject)));
}

/**
 * Creates a batch loader over `dataset`. Reproducible: the order and every random draw depend only
 * on `seed`, `epoch` and the batch number (not on timing, prefetch depth or worker count).
 *
 * @example
 * const train = loader(ds, { batchSize: 128, shuffle: true, seed: 1, transform: cifarTrainTransform() });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for await (const batch of train.withEpoch(epoch)) { step(batch); disposeBatch(batch); }
 * }
 */
export function loader(dataset: Dataset, options: LoaderOptions): Loader {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`loader: batchSize must be a positive integer, got ${batchSize}`);
  const prefetch = options.prefetch ?? 2;
  if (!Number.isInteger(prefetch) || prefetch < 0) throw new RangeError(`loader: prefetch must be a non-negative integer, got ${prefetch}`);
  const epoch = options.epoch ?? 0;
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`loader: epoch must be a non-negative integer, got ${epoch}`);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new RangeError(`loader: seed must be a finite number, got ${String(seed)}`);
  const { sample: sampleTransform, batch: batchTransforms } = splitTransforms(options.transform);
  const views = sampleTransform.views ?? 1;
  if (!Number.isInteger(views) || views < 1) throw new RangeError(`loader: the sample transform's views must be a positive integer, got ${String(views)}`);
  if (views > 1 && batchTransforms.length > 0) throw new Error(`loader: batch transforms (mixup, cutmix) cannot follow a transform with ${views} views per example (AugMix with the JSD loss)`);
  const n = dataset.length;
  const numClasses = dataset.classNames.length;
  const length = options.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  const startBatch = options.startBatch ?? 0;
  if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > length) {
    throw new RangeError(`loader: startBatch must be an integer in [0, ${length}] (batches per epoch), got ${startBatch}`);
  }
  const epochRng = (): Rng => createRng(seed).fork(epoch);

  const batchIndices = (): Int32Array[] => {
    let order: Int32Array;
    if (options.shuffle) order = epochRng().permutation(n);
    else {
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
    }
    const out: Int32Array[] = [];
    for (let b = 0; b < length; b++) out.push(order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize)));
    return out;
  };

  async function fetchSamples(indices: Int32Array, rng: Rng): Promise<Sample[]> {
    if (dataset.getMany) return dataset.getMany(Array.from(indices), rng);
    // Calls are issued in order, so datasets drawing from `rng` synchronously stay reproducible.
    return Promise.all(Array.from(indices, (i) => dataset.get(i, rng)));
  }

  async function prepare(b: number, indices: Int32Array): Promise<HostBatch> {
    const batchRng = epochRng().fork(b + 1);
    const samples = await fetchSamples(indices, batchRng.fork(0));
    const augRng = batchRng.fork(1);
    const first = samples[0];
    const [h, w] = sampleTransform.outputSize(first.height, first.width);
    const per = h * w * 3;
    const images = new Float32Array(views * samples.length * per);
    const labels = new Int32Array(samples.length);
    samples.forEach((s, i) => {
      const [sh, sw] = sampleTransform.outputSize(s.height, s.width);
      if (sh !== h || sw !== w) {
        throw new Error(
          `loader: example ${indices[i]} becomes ${sh}×${sw} but example ${indices[0]} became ${h}×${w}; ` +
            'use a transform that gives every image one size (e.g. loadImageFolder({ transform: "eval" }))',
        );
      }
      if (!Number.isInteger(s.label) || s.label < 0 || s.label >= numClasses) {
        throw new RangeError(`loader: example ${indices[i]} has label ${s.label}, expected an integer in [0, ${numClasses})`);
      }
      if (s.image.length !== s.height * s.width * 3) {
        throw new Error(`loader: example ${indices[i]} has ${s.image.length} bytes, expected ${s.height}×${s.width}×3 = ${s.height * s.width * 3}`);
      }
      labels[i] = s.label;
      sampleTransform.apply(s, images, i * per, augRng, samples.length * per);
    });
    let host: HostBatch = { images, labels, batchSize: samples.length, views, height: h, width: w, numClasses };
    const btRng = batchRng.fork(2);
    for (const t of batchTransforms) host = t.apply(host, btRng);
    return host;
  }

  function toTensors(host: HostBatch): LabeledBatch {
    const batch: LabeledBatch = {
      images: tf.tensor4d(host.images, [host.batchSize * (host.views ?? 1), host.height, host.width, 3], 'float32'),
      labels: tf.tensor1d(host.labels, 'int32'),
    };
    if (host.targets) batch.targets = tf.tensor2d(host.targets, [host.batchSize, host.numClasses], 'float32');
    return batch;
  }

  async function* iterate(): AsyncGenerator<LabeledBatch> {
    const all = batchIndices();
    const queue: Promise<HostBatch>[] = [];
    let next = startBatch; // skipped batches are never prepared: no reads, decodes or random draws
    const fill = (capacity: number) => {
      while (next < length && queue.length < capacity) {
        const b = next++;
        const p = later(() => prepare(b, all[b]));
        p.catch(() => {}); // a failure is reported when this batch is awaited, not as an unhandled rejection
        queue.push(p);
      }
    };
    for (;;) {
      if (queue.length === 0) fill(1);
      if (queue.length === 0) return;
      const host = await queue.shift()!;
      fill(prefetch); // start the next batch(es) before handing this one to the consumer
      yield toTensors(host);
    }
  }

  const self: Loader = {
    length,
    startBatch,
    batchSize,
    dataset,
    withEpoch: (e, o) => loader(dataset, { ...options, epoch: e, startBatch: o?.startBatch ?? 0 }),
    batchIndices,
    [Symbol.asyncIterator]: iterate,
  };
  return self;
}
