/**
 * Expected (ℓ1) and maximum calibration error, as Guo et al. (2017) define them and as Kumar et
 * al.'s reference computes the ECE (`get_ece`, `get_ece_em`), with torchmetrics' binning as an
 * option.
 */
import type { BinConvention, Binning } from './binning.js';
import { binColumn, estimate, type CalibrationMode, type EstimatorOptions } from './calibration-error.js';
import { column, indicator, toPredictions, topLabel, type InputOptions, type LabelsInput, type Predictions, type ProbsInput } from './inputs.js';

/** Options of {@link ece} and {@link mce}. */
export interface EceOptions extends InputOptions {
  /** Number of bins. Default 15. */
  bins?: number;
  /** Default `'equal-width'` (Guo et al., reference `get_ece`); `'equal-mass'` is `get_ece_em`. */
  binning?: Binning;
  /** Default `'top-label'`. `'marginal'` averages the per-class ECE (per-class MCE: their maximum). */
  mode?: CalibrationMode;
  /**
   * Which examples fall in which bin. `'kumar'` (default): right-closed bins `(lo, hi]`, with 0
   * in the first bin — the reference's rule.
   *
   * `'torchmetrics'`: torchmetrics' `binary_calibration_error` / `multiclass_calibration_error`
   * rule — **left-closed** bins `[lo, hi)` over `linspace(0, 1, B + 1)`, plus a **separate bin
   * that only holds confidences equal to exactly 1.0**. The two differ exactly for confidences
   * on an inner bin edge (e.g. 0.2 with 15 bins: bin 3 for torchmetrics, bin 2 for the
   * reference) and equal to 1.0 (their own bin for torchmetrics). Only with
   * `binning: 'equal-width'`. (torchmetrics itself casts to float32, so its printed values can
   * differ from these float64 ones in the 7th digit.)
   */
  convention?: BinConvention;
  /** Debias with the reference's normal-approximation resampling (p = 1). Default `false`. */
  debias?: boolean;
  /** Seed for `debias`. Default 0. */
  seed?: number;
}

function estimatorOptions(options: EceOptions): EstimatorOptions {
  return {
    p: 1,
    debias: options.debias ?? false,
    bins: options.bins ?? 15,
    binning: options.binning ?? 'equal-width',
    mode: options.mode ?? 'top-label',
    convention: options.convention ?? 'kumar',
    seed: options.seed ?? 0,
  };
}

/**
 * Expected calibration error: `Σ_b (n_b/n) |mean confidence_b − accuracy_b|` in probability
 * units (0.05 = 5 points). Defaults match the reference's `get_ece(probs, labels)` (15
 * equal-width bins, top-label); `binning: 'equal-mass'` matches `get_ece_em`.
 * @param probs `[n, K]` probabilities or 1-D binary probabilities (see {@link ProbsInput}).
 */
export function ece(probs: ProbsInput, labels: LabelsInput, options: EceOptions = {}): number {
  const preds = toPredictions(probs, labels, options, 1, 'ece');
  const o = estimatorOptions(options);
  if (o.convention === 'torchmetrics' && o.mode === 'marginal' && !preds.binary) {
    throw new RangeError("the torchmetrics convention is top-label only: use mode: 'top-label'");
  }
  return estimate(preds, o);
}

/**
 * Maximum calibration error: the largest `|mean confidence_b − accuracy_b|` over non-empty bins
 * (same bins and options as {@link ece}); with `mode: 'marginal'`, the largest over classes.
 */
export function mce(probs: ProbsInput, labels: LabelsInput, options: EceOptions = {}): number {
  const preds = toPredictions(probs, labels, options, 1, 'mce');
  const o = estimatorOptions(options);
  return maxGap(preds, o);
}

/** {@link mce} on validated predictions. */
export function maxGap(preds: Predictions, o: EstimatorOptions): number {
  const columns: [Float64Array, Float64Array][] = [];
  if (preds.binary) columns.push([preds.data, indicator(preds, 1)]);
  else if (o.mode === 'top-label') {
    const t = topLabel(preds);
    columns.push([t.confidences, t.correct]);
  } else {
    if (o.convention === 'torchmetrics') {
      throw new RangeError("the torchmetrics convention is top-label only: use mode: 'top-label'");
    }
    for (let k = 0; k < preds.cols; k++) columns.push([column(preds, k), indicator(preds, k)]);
  }
  let worst = 0;
  for (const [c, t] of columns) {
    const s = binColumn(c, t, o);
    for (let b = 0; b < s.counts.length; b++) {
      const n = s.counts[b];
      if (n === 0) continue;
      const gap = Math.abs(s.sumConfidence[b] / n - s.sumTarget[b] / n);
      if (gap > worst) worst = gap;
    }
  }
  return worst;
}
