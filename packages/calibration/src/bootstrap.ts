/** Seeded bootstrap confidence intervals for any metric of (predictions, labels). */
import { readLabels, readMatrix, type LabelsInput, type ProbsInput, type TensorLike } from './inputs.js';
import { createRng } from '@cnn/core';

/** A metric of predictions and labels, e.g. `(p, y) => calibrationError(p, y, { mode: 'top-label' })`. */
export type Metric = (probs: ProbsInput, labels: LabelsInput) => number;

/** Options of {@link confidenceIntervals}. */
export interface BootstrapOptions {
  /** Number of bootstrap resamples. Default 1000. */
  resamples?: number;
  /** Coverage of the interval, in (0, 1). Default 0.9. */
  level?: number;
  /** Seed of the resampling. Default 0. Same seed, same interval. */
  seed?: number;
  /**
   * `'basic'` (default, as the reference's `bootstrap_uncertainty`): `[2θ̂ − q_hi, 2θ̂ − q_lo]`,
   * which corrects the estimate's bias by the bootstrap's (so it can fall below 0 for a
   * non-negative metric). `'percentile'`: `[q_lo, q_hi]`.
   */
  method?: 'basic' | 'percentile';
  /** Number of classes when `probs` is a flat typed array. */
  numClasses?: number;
}

/** Result of {@link confidenceIntervals}. */
export interface ConfidenceInterval {
  /** The metric on the full data. */
  estimate: number;
  lower: number;
  /** `2θ̂ − median` for `'basic'`, the bootstrap median for `'percentile'` (the reference's "mid"). */
  median: number;
  upper: number;
  level: number;
  resamples: number;
  method: 'basic' | 'percentile';
}

/**
 * Bootstrap interval for `metric(probs, labels)`: resamples the rows with replacement
 * `resamples` times (seeded), evaluates the metric on each, and takes quantiles (numpy's linear
 * interpolation). `probs` is resampled as given (probabilities or logits — the metric decides
 * how to read them, so pass `fromLogits` inside it); each resample is handed to the metric as a
 * tensor-like `{ shape, dataSync }` of float64 values and an `Int32Array` of labels.
 * @throws RangeError with fewer than 2 examples, or if the metric returns a non-finite value.
 */
export function confidenceIntervals(
  metric: Metric,
  probs: ProbsInput,
  labels: LabelsInput,
  options: BootstrapOptions = {},
): ConfidenceInterval {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.9;
  const method = options.method ?? 'basic';
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (method !== 'basic' && method !== 'percentile') throw new RangeError(`method must be 'basic' or 'percentile', got ${String(method)}`);
  const m = readMatrix(probs, options.numClasses, 'probs');
  const y = readLabels(labels, m.rows, m.binary ? 2 : m.cols, m.binary);
  if (m.rows < 2) throw new RangeError(`confidenceIntervals needs at least 2 examples to resample, got ${m.rows}`);
  const shape = m.binary ? [m.rows] : [m.rows, m.cols];
  const asTensor = (data: Float64Array): TensorLike => ({ shape, dataSync: () => data });
  const estimate = metric(asTensor(m.data), y);
  const rng = createRng(options.seed ?? 0);
  const stats = new Float64Array(resamples);
  const data = new Float64Array(m.data.length);
  const labelsR = new Int32Array(m.rows);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < m.rows; i++) {
      const j = rng.int(m.rows);
      labelsR[i] = y[j];
      for (let k = 0; k < m.cols; k++) data[i * m.cols + k] = m.data[j * m.cols + k];
    }
    const v = metric(asTensor(data), labelsR);
    if (!Number.isFinite(v)) throw new RangeError(`the metric returned ${v} on bootstrap resample ${r}`);
    stats[r] = v;
  }
  stats.sort();
  const alpha = (1 - level) / 2;
  const qLo = quantile(stats, alpha);
  const qMid = quantile(stats, 0.5);
  const qHi = quantile(stats, 1 - alpha);
  if (method === 'percentile') return { estimate, lower: qLo, median: qMid, upper: qHi, level, resamples, method };
  return { estimate, lower: 2 * estimate - qHi, median: 2 * estimate - qMid, upper: 2 * estimate - qLo, level, resamples, method };
}

/** numpy's default (`linear`) quantile of sorted values, `q` in [0, 1]. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
