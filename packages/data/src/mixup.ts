import type { Rng } from '@cnn/core';
import type { BatchTransform, HostBatch } from './transform.js';

/** One-hot targets for `labels` when the batch has none yet. */
export function ensureTargets(batch: HostBatch): Float32Array {
  if (batch.targets) return batch.targets;
  const t = new Float32Array(batch.batchSize * batch.numClasses);
  for (let i = 0; i < batch.batchSize; i++) {
    const y = batch.labels[i];
    if (y < 0 || y >= batch.numClasses) throw new RangeError(`label ${y} of example ${i} is outside [0, ${batch.numClasses})`);
    t[i * batch.numClasses + y] = 1;
  }
  return t;
}

/** Row-wise `λ·t[i] + (1−λ)·t[π(i)]` for `k` classes (a new array). */
export function mixTargets(t: Float32Array, perm: Int32Array, lam: number, k: number): Float32Array {
  const out = new Float32Array(t.length);
  const n = perm.length;
  for (let i = 0; i < n; i++) {
    const a = i * k;
    const b = perm[i] * k;
    for (let c = 0; c < k; c++) out[a + c] = lam * t[a + c] + (1 - lam) * t[b + c];
  }
  return out;
}

export interface MixOptions {
  /** Beta(α, α) concentration (default 1: λ uniform). */
  alpha?: number;
  /** Probability of mixing a batch (default 1). Unmixed batches still get (one-hot) targets. */
  p?: number;
}

/** Validates α > 0 and p ∈ [0, 1], naming the transform. */
export function checkMix(name: string, alpha: number, p: number): void {
  if (!(alpha > 0)) throw new RangeError(`${name}: alpha must be > 0, got ${alpha}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: p must be in [0, 1], got ${p}`);
}

/**
 * mixup (Zhang et al. 2018) as a batch transform: λ ~ Beta(α, α) once per batch, partners from a
 * random permutation π of the batch, `x̃ᵢ = λ·xᵢ + (1−λ)·x_π(i)`, `ỹᵢ = λ·yᵢ + (1−λ)·y_π(i)` as
 * soft targets (rows sum to 1). `labels` keep the unmixed classes. Draws: apply?, λ, π.
 *
 * `lastLambda` is λ of the batch this transform mixed most recently (1 when it skipped one). The
 * loader prepares batches ahead (`prefetch`), so that is not necessarily the batch you are holding:
 * for per-batch λ read it off the soft `targets` instead.
 */
export function mixup(options: MixOptions = {}): BatchTransform & { lastLambda: number } {
  return mixingTransform('mixup', options, (batch, rng) => {
    const lambda = rng.beta(options.alpha ?? 1, options.alpha ?? 1);
    const perm = rng.permutation(batch.batchSize);
    const d = batch.height * batch.width * 3;
    const x = batch.images;
    const images = new Float32Array(x.length);
    const mu = 1 - lambda;
    for (let i = 0; i < batch.batchSize; i++) {
      const a = i * d;
      const b = perm[i] * d;
      for (let j = 0; j < d; j++) images[a + j] = lambda * x[a + j] + mu * x[b + j];
    }
    return { images, perm, lambda };
  });
}

/** What a mixing transform computes for one batch: new pixels, partners π and the target weight λ. */
export interface Mixed {
  images: Float32Array;
  perm: Int32Array;
  lambda: number;
}

/**
 * The part mixup and CutMix share: option checks, the per-batch "apply?" draw (one-hot targets for
 * skipped batches), soft targets `λ·t[i] + (1−λ)·t[π(i)]` and `lastLambda`. `mix` makes the
 * transform-specific draws (after the "apply?" draw) and pixels.
 */
export function mixingTransform(
  name: string,
  options: MixOptions,
  mix: (batch: HostBatch, rng: Rng) => Mixed,
): BatchTransform & { lastLambda: number } {
  const p = options.p ?? 1;
  checkMix(name, options.alpha ?? 1, p);
  const self = {
    kind: 'batch' as const,
    lastLambda: 1,
    apply(batch: HostBatch, rng: Rng): HostBatch {
      const targets = ensureTargets(batch);
      if (p < 1 && rng.uniform() >= p) {
        self.lastLambda = 1;
        return { ...batch, targets };
      }
      const { images, perm, lambda } = mix(batch, rng);
      self.lastLambda = lambda;
      return { ...batch, images, targets: mixTargets(targets, perm, lambda, batch.numClasses) };
    },
  };
  return self;
}
