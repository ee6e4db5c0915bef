import type { Rng } from '@cnn/core';
import type { Sample } from './dataset.js';

/**
 * A per-example transform: reads a {@link Sample} (uint8 HWC) and writes float32 HWC pixels in
 * `[0, 1]` into the batch buffer. Runs on plain typed arrays (no tensors).
 */
export interface SampleTransform {
  readonly kind: 'sample';
  /** `[height, width]` of the output for an input of the given size. */
  outputSize(height: number, width: number): [number, number];
  /**
   * Writes `outputSize(...)` HWC × 3 floats at `out[offset…]`, drawing randomness from `rng`. A
   * transform with several `views` writes view `v` at `out[offset + v·viewStride…]`.
   */
  apply(sample: Sample, out: Float32Array, offset: number, rng: Rng, viewStride?: number): void;
  /**
   * Images per example (default 1). With `k` views the loader's batch holds `k·B` images, view-major
   * (all first views, then all second views, …), and `B` labels: AugMix with the JSD loss uses 3.
   */
  readonly views?: number;
}

/** A batch on the host, before it becomes tensors: what batch transforms (mixup, cutmix) work on. */
export interface HostBatch {
  /** float32 NHWC in `[0, 1]`, `batchSize × height × width × 3`. */
  images: Float32Array;
  /** int32 class indices. */
  labels: Int32Array;
  /** float32 soft targets `batchSize × numClasses` (rows sum to 1), if any transform made them. */
  targets?: Float32Array;
  batchSize: number;
  /** Images per example, view-major (see {@link SampleTransform.views}); default 1. */
  views?: number;
  height: number;
  width: number;
  numClasses: number;
}

/**
 * A whole-batch transform (mixup, cutmix): returns a new batch (new `images`, `targets`); it never
 * mutates the arrays of the batch it is given.
 */
export interface BatchTransform {
  readonly kind: 'batch';
  apply(batch: HostBatch, rng: Rng): HostBatch;
}

export type Transform = SampleTransform | BatchTransform;

/** 1/255 lookup: uint8 → float32 in [0, 1], exactly `v / 255` rounded to float32. */
export const BYTE_TO_UNIT: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = i / 255;
  return t;
})();

/** Pixels to float32 `[0, 1]` unchanged in geometry (the default, and the eval transform for CIFAR). */
export function toFloat(): SampleTransform {
  return {
    kind: 'sample',
    outputSize: (h, w) => [h, w],
    apply(sample, out, offset) {
      const img = sample.image;
      const n = sample.height * sample.width * 3;
      if (img.length < n) {
        throw new Error(`toFloat: image has ${img.length} bytes, expected ${sample.height}×${sample.width}×3 = ${n}`);
      }
      for (let i = 0; i < n; i++) out[offset + i] = BYTE_TO_UNIT[img[i]];
    },
  };
}

export interface RandomCropFlipOptions {
  /** Output size (square); default: the input's size (32 for CIFAR). */
  size?: number;
  /** Pixels of padding on each side before cropping (default 4). */
  padding?: number;
  /** `'zero'` (default; torchvision `RandomCrop(32, padding=4)`) or `'reflect'` (no edge repeat). */
  padMode?: 'zero' | 'reflect';
  /** Probability of a horizontal flip (default 0.5; 0 disables). */
  flip?: number;
  /**
   * Cutout (DeVries & Taylor 2017): zero a `size × size` square centred at a uniform pixel, clipped
   * at the border, applied after crop and flip with probability `p` (default 1). A number is the size.
   */
  cutout?: number | { size: number; p?: number };
}

function reflectIndex(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/**
 * The standard CIFAR training augmentation: pad by `padding` (zero or reflect), random crop back to
 * `size`, random horizontal flip, optional cutout. Random draws per sample, in order: crop row,
 * crop column, flip, then cutout (apply?, centre row, centre column).
 */
export function randomCropFlip(options: RandomCropFlipOptions = {}): SampleTransform {
  const pad = options.padding ?? 4;
  const mode = options.padMode ?? 'zero';
  const flipP = options.flip ?? 0.5;
  const cut = typeof options.cutout === 'number' ? { size: options.cutout, p: 1 } : options.cutout;
  if (!Number.isInteger(pad) || pad < 0) throw new RangeError(`randomCropFlip: padding must be a non-negative integer, got ${pad}`);
  if (mode !== 'zero' && mode !== 'reflect') throw new RangeError(`randomCropFlip: padMode must be 'zero' or 'reflect', got ${String(mode)}`);
  if (!(flipP >= 0 && flipP <= 1)) throw new RangeError(`randomCropFlip: flip must be a probability, got ${flipP}`);
  if (cut && (!Number.isInteger(cut.size) || cut.size <= 0)) throw new RangeError(`randomCropFlip: cutout size must be a positive integer, got ${cut.size}`);
  if (cut && cut.p !== undefined && !(cut.p >= 0 && cut.p <= 1)) throw new RangeError(`randomCropFlip: cutout p must be a probability, got ${cut.p}`);
  if (options.size !== undefined && (!Number.isInteger(options.size) || options.size <= 0)) {
    throw new RangeError(`randomCropFlip: size must be a positive integer, got ${options.size}`);
  }
  let rows = new Int32Array(0);
  let cols = new Int32Array(0);
  return {
    kind: 'sample',
    outputSize: (h, w) => [options.size ?? h, options.size ?? w],
    apply(sample, out, offset, rng) {
      const H = sample.height;
      const W = sample.width;
      const oh = options.size ?? H;
      const ow = options.size ?? W;
      if (H + 2 * pad < oh || W + 2 * pad < ow) {
        throw new RangeError(`randomCropFlip: ${H}×${W} image padded by ${pad} is smaller than the ${oh}×${ow} crop`);
      }
      if (mode === 'reflect' && (pad >= H || pad >= W)) {
        throw new RangeError(`randomCropFlip: reflect padding ${pad} needs an image larger than ${pad} pixels (got ${H}×${W})`);
      }
      const img = sample.image;
      if (rows.length !== oh) rows = new Int32Array(oh);
      if (cols.length !== ow) cols = new Int32Array(ow);
      const dy = rng.int(H + 2 * pad - oh + 1);
      const dx = rng.int(W + 2 * pad - ow + 1);
      const flip = flipP > 0 && rng.uniform() < flipP;
      // Source row/column for each output row/column (−1 = zero padding), so the pixel loop is branch-light.
      for (let y = 0; y < oh; y++) {
        const sy = y + dy - pad;
        rows[y] = sy >= 0 && sy < H ? sy * W * 3 : mode === 'reflect' ? reflectIndex(sy, H) * W * 3 : -1;
      }
      for (let x = 0; x < ow; x++) {
        const sx = (flip ? ow - 1 - x : x) + dx - pad;
        cols[x] = sx >= 0 && sx < W ? sx * 3 : mode === 'reflect' ? reflectIndex(sx, W) * 3 : -1;
      }
      let o = offset;
      for (let y = 0; y < oh; y++) {
        const r = rows[y];
        if (r < 0) {
          out.fill(0, o, o + ow * 3);
          o += ow * 3;
          continue;
        }
        for (let x = 0; x < ow; x++, o += 3) {
          const c = cols[x];
          if (c < 0) {
            out[o] = 0;
            out[o + 1] = 0;
            out[o + 2] = 0;
          } else {
            const s = r + c;
            out[o] = BYTE_TO_UNIT[img[s]];
            out[o + 1] = BYTE_TO_UNIT[img[s + 1]];
            out[o + 2] = BYTE_TO_UNIT[img[s + 2]];
          }
        }
      }
      if (cut && (cut.p === undefined || cut.p >= 1 || rng.uniform() < cut.p)) {
        const cy = rng.int(oh);
        const cx = rng.int(ow);
        const y0 = Math.max(0, cy - Math.floor(cut.size / 2));
        const y1 = Math.min(oh, cy - Math.floor(cut.size / 2) + cut.size);
        const x0 = Math.max(0, cx - Math.floor(cut.size / 2));
        const x1 = Math.min(ow, cx - Math.floor(cut.size / 2) + cut.size);
        for (let y = y0; y < y1; y++) out.fill(0, offset + (y * ow + x0) * 3, offset + (y * ow + x1) * 3);
      }
    },
  };
}

/** {@link randomCropFlip} with CIFAR defaults: 32×32 crop, padding 4, flip 0.5. */
export function cifarTrainTransform(options: Omit<RandomCropFlipOptions, 'size'> = {}): SampleTransform {
  return randomCropFlip({ ...options, size: 32 });
}
