import type { Rng } from '@cnn/core';
import { ops } from '@cnn/corruptions';
import type { Sample } from './dataset.js';
import { BYTE_TO_UNIT, randomCropFlip, type RandomCropFlipOptions, type SampleTransform } from './transform.js';

/** The image `augmix` takes: a {@link Sample}'s pixels and size (HWC RGB bytes). */
export type AugmixImage = Pick<Sample, 'image' | 'height' | 'width'>;

/** AugMix's knobs, named and defaulted as google-research/augmix `cifar.py`'s flags. */
export interface AugmixOptions {
  /** Strength of each operation, `--aug-severity` (1–10); default 3. */
  severity?: number;
  /** Number of augmentation chains mixed, `--mixture-width`; default 3. */
  width?: number;
  /** Operations per chain, `--mixture-depth`; −1 (default): 1–3 at random per chain. */
  depth?: number;
  /** Dirichlet and Beta parameter, `--aug-prob-coeff`; default 1. */
  alpha?: number;
  /** Also the colour/contrast/brightness/sharpness ops (which overlap the test corruptions), `--all-ops`; default false. */
  allOps?: boolean;
}

interface Resolved {
  severity: number;
  width: number;
  depth: number;
  alpha: number;
  opList: readonly ops.AugmixOpName[];
}

function resolve(fn: string, o: AugmixOptions = {}): Resolved {
  const severity = o.severity ?? 3;
  const width = o.width ?? 3;
  const depth = o.depth ?? -1;
  const alpha = o.alpha ?? 1;
  if (!(Number.isFinite(severity) && severity >= 0.1 && severity <= 10)) throw new RangeError(`${fn}: severity must be in [0.1, 10], got ${String(o.severity)}`);
  if (!(Number.isInteger(width) && width >= 1)) throw new RangeError(`${fn}: width must be a positive integer, got ${String(o.width)}`);
  if (!(Number.isInteger(depth) && (depth === -1 || depth >= 1))) throw new RangeError(`${fn}: depth must be −1 (random 1–3) or a positive integer, got ${String(o.depth)}`);
  if (!(Number.isFinite(alpha) && alpha > 0)) throw new RangeError(`${fn}: alpha must be a positive number, got ${String(o.alpha)}`);
  return { severity, width, depth, alpha, opList: o.allOps ? ops.AUGMENTATIONS_ALL : ops.AUGMENTATIONS };
}

/**
 * AugMix (Hendrycks et al. 2020), `augment_and_mix` as google-research/augmix `cifar.py`'s `aug`
 * computes it: mixing weights `w ~ Dirichlet(α, …, α)` over `width` chains, each chain `depth`
 * (or 1–3) operations drawn uniformly from AugMix's list and applied at `severity`, the chains'
 * images mixed with `w`, then `(1 − m)·image + m·mix` with `m ~ Beta(α, α)`. Pixels in `[0, 1]`
 * (the reference mixes after `Normalize`, which is affine, so the result is the same image).
 * Returns `height × width × 3` float32 HWC. Randomness from `rng` only; the input is not modified.
 */
export function augmix(image: AugmixImage, options: AugmixOptions = {}, rng: Rng): Float32Array {
  return augmixResolved(image, resolve('augmix', options), rng, new Float32Array(image.height * image.width * 3), 0);
}

function augmixResolved(image: AugmixImage, o: Resolved, rng: Rng, out: Float32Array, offset: number): Float32Array {
  const n = image.height * image.width * 3;
  if (!(image.image instanceof Uint8Array) || image.image.length !== n) {
    throw new Error(`augmix: image must be a Uint8Array of ${image.height}×${image.width}×3 = ${n} bytes, got ${image.image?.length}`);
  }
  // numpy draws Dirichlet as normalised Gamma(α) samples; the reference casts w and m to float32.
  const gammas = Array.from({ length: o.width }, () => rng.gamma(o.alpha));
  const total = gammas.reduce((a, b) => a + b, 0);
  const w = gammas.map((g) => Math.fround(g / total));
  const m = Math.fround(rng.beta(o.alpha, o.alpha));
  const mix = new Float64Array(n);
  for (let chain = 0; chain < o.width; chain++) {
    const depth = o.depth > 0 ? o.depth : 1 + rng.int(3);
    let aug: AugmixImage = image;
    for (let k = 0; k < depth; k++) aug = ops.applyAugmixOp(o.opList[rng.int(o.opList.length)], aug, o.severity, rng, image.width);
    for (let i = 0; i < n; i++) mix[i] += w[chain] * BYTE_TO_UNIT[aug.image[i]];
  }
  for (let i = 0; i < n; i++) out[offset + i] = (1 - m) * BYTE_TO_UNIT[image.image[i]] + m * mix[i];
  return out;
}

export interface AugmixTransformOptions extends AugmixOptions {
  /**
   * With the Jensen–Shannon consistency loss (default true): every example gives three views —
   * the clean image and two independent AugMix images — laid out view-major in the batch
   * (`[clean × B, augmix × B, augmix × B]`, as cifar.py's `torch.cat(images, 0)`); labels stay B.
   * Without: one AugMix image per example.
   */
  jsd?: boolean;
  /** Crop and flip before AugMix (cifar.py: flip, then crop 32 with padding 4); `false` for none. Default `{}` (those). */
  base?: RandomCropFlipOptions | false;
}

/**
 * AugMix as a loader transform: the base crop/flip on the bytes, then {@link augmix} (and, with
 * `jsd`, the clean view and a second AugMix view), as AugMixDataset in cifar.py does.
 */
export function augmixTransform(options: AugmixTransformOptions = {}): SampleTransform {
  const o = resolve('augmixTransform', options);
  const jsd = options.jsd ?? true;
  const base = options.base === false ? undefined : randomCropFlip(options.base ?? {});
  let scratch = new Float32Array(0);
  return {
    kind: 'sample',
    views: jsd ? 3 : 1,
    outputSize: (h, w) => (base ? base.outputSize(h, w) : [h, w]),
    apply(sample, out, offset, rng, viewStride = 0) {
      let image: AugmixImage = sample;
      if (base) {
        const [h, w] = base.outputSize(sample.height, sample.width);
        if (scratch.length !== h * w * 3) scratch = new Float32Array(h * w * 3);
        base.apply(sample, scratch, 0, rng);
        // The crop holds k/255 exactly: back to the bytes the PIL operations work on.
        image = { image: Uint8Array.from(scratch, (v) => Math.round(v * 255)), height: h, width: w };
      }
      if (!jsd) {
        augmixResolved(image, o, rng, out, offset);
        return;
      }
      for (let i = 0; i < image.image.length; i++) out[offset + i] = BYTE_TO_UNIT[image.image[i]];
      augmixResolved(image, o, rng, out, offset + viewStride);
      augmixResolved(image, o, rng, out, offset + 2 * viewStride);
    },
  };
}
