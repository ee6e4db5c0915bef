import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { AttackNorm, Bounds, EotOptions, LabelsInput } from './types.js';

/** Checks the images tensor's rank, dtype and values against `bounds`; returns the checked bounds. */
export async function checkImages(fn: string, images: Tensor4D, bounds: Bounds | undefined): Promise<[number, number]> {
  if (!(images instanceof tf.Tensor)) throw new TypeError(`${fn}: images must be a tf.Tensor4D (NHWC), got ${typeof images}`);
  if (images.rank !== 4) {
    throw new Error(`${fn}: images must be rank 4 NHWC [batch, height, width, channels], got shape [${images.shape.join(', ')}]`);
  }
  if (images.dtype !== 'float32') throw new Error(`${fn}: images must be float32, got ${images.dtype}`);
  if (images.shape[0] < 1) throw new Error(`${fn}: images has an empty batch (shape [${images.shape.join(', ')}])`);
  const [low, high] = checkBounds(fn, bounds);
  const [min, max] = await minMax(images);
  if (!(min >= low && max <= high)) {
    throw new RangeError(
      `${fn}: images must lie in bounds [${low}, ${high}] (pixels, not 0–255 nor normalised), found values in [${min}, ${max}]`,
    );
  }
  return [low, high];
}

export function checkBounds(fn: string, bounds: Bounds | undefined): [number, number] {
  if (bounds === undefined) return [0, 1];
  if (!Array.isArray(bounds) || bounds.length !== 2) throw new TypeError(`${fn}: bounds must be [low, high], got ${String(bounds)}`);
  const [low, high] = bounds;
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new RangeError(`${fn}: bounds must be finite numbers with low < high, got [${low}, ${high}]`);
  }
  return [low, high];
}

async function minMax(t: Tensor): Promise<[number, number]> {
  const mm = tf.tidy(() => tf.stack([tf.min(t), tf.max(t)]));
  const v = await mm.data();
  mm.dispose();
  return [v[0], v[1]];
}

/** Reads labels of any accepted form into an Int32Array of length `batch`, checking integers ≥ 0. */
export async function readLabels(fn: string, what: string, labels: LabelsInput, batch: number): Promise<Int32Array> {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) throw new Error(`${fn}: ${what} must be rank 1 [batch], got shape [${labels.shape.join(', ')}]`);
    values = await labels.data();
  } else if (Array.isArray(labels) || labels instanceof Int32Array) {
    values = labels;
  } else {
    throw new TypeError(`${fn}: ${what} must be a Tensor1D, number[] or Int32Array`);
  }
  if (values.length !== batch) {
    throw new Error(`${fn}: ${what} has ${values.length} entries but images has batch size ${batch}`);
  }
  const out = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${fn}: ${what}[${i}] = ${v} is not a class index (integer ≥ 0)`);
    out[i] = v;
  }
  return out;
}

/** Throws when a label is not below the classifier's class count (known once logits exist). */
export function checkLabelRange(fn: string, what: string, labels: Int32Array, numClasses: number): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses) {
      throw new RangeError(`${fn}: ${what}[${i}] = ${labels[i]} is out of range: the classifier has ${numClasses} classes (0…${numClasses - 1})`);
    }
  }
}

export function checkNonNegative(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new RangeError(`${fn}: ${name} must be a finite number ≥ 0 (same units as the pixels), got ${String(v)}`);
  }
  return v;
}

export function checkCount(fn: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new RangeError(`${fn}: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  }
  return v;
}

/** Checks an optional start perturbation against the images' shape. */
export function checkInitialDelta(fn: string, delta: Tensor | undefined, images: Tensor4D): void {
  if (delta === undefined) return;
  if (!(delta instanceof tf.Tensor) || !tf.util.arraysEqual(delta.shape, images.shape)) {
    const shape = delta instanceof tf.Tensor ? `[${delta.shape.join(', ')}]` : typeof delta;
    throw new Error(`${fn}: initialDelta must have the images' shape [${images.shape.join(', ')}], got ${shape}`);
  }
}

/**
 * Checks a radius or step (already finite and ≥ 0) against what the bounds allow: no L∞
 * perturbation can exceed the range `high − low`, no L2 one the distance between opposite corners
 * of the box, `range·√(h·w·c)`. A larger value is a units mistake (ε = 8 for pixels in [0, 1]).
 */
export function checkWithinBounds(fn: string, name: string, v: number, norm: AttackNorm, low: number, high: number, images: Tensor4D): number {
  const range = high - low;
  if (norm === 'linf' && v > range) {
    throw new RangeError(
      `${fn}: ${name} = ${v} is larger than the bounds' range ${range} (bounds [${low}, ${high}]); write e.g. 8/255 (not 8) for pixels in [0, 1]`,
    );
  }
  const [, h, w, c] = images.shape;
  const diagonal = range * Math.sqrt(h * w * c);
  if (norm === 'l2' && v > diagonal) {
    throw new RangeError(
      `${fn}: ${name} = ${v} is larger than the largest L2 distance between two images in the bounds ` +
        `(${diagonal.toFixed(2)} for ${h}×${w}×${c} images in [${low}, ${high}])`,
    );
  }
  return v;
}

/** APGD's step-size halving threshold ρ: a fraction of the steps of a checkpoint period. */
export function checkRho(fn: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) {
    throw new RangeError(`${fn}: rho must be in (0, 1] (the fraction of steps in which the loss must have risen), got ${String(v)}`);
  }
  return v;
}

/** Checks EOT options: `samples` an integer ≥ 1, `transform` a function when given. */
export function checkEot(fn: string, eot: unknown): EotOptions | undefined {
  if (eot === undefined) return undefined;
  if (typeof eot !== 'object' || eot === null) throw new TypeError(`${fn}: eot must be { samples, transform? }, got ${String(eot)}`);
  const { samples, transform } = eot as EotOptions;
  checkCount(fn, 'eot.samples', samples, 1);
  if (transform !== undefined && typeof transform !== 'function') throw new TypeError(`${fn}: eot.transform must be a function (x, rng) => x, got ${typeof transform}`);
  return { samples, transform };
}
