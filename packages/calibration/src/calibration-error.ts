/**
 * The binned ℓp calibration error of Kumar, Liang & Ma (2019), "Verified Uncertainty
 * Calibration", with the same definitions and edge cases as their reference code
 * (`calibration/utils.py`: `lower_bound_scaling_ce`, `_get_ce`, `plugin_ce`, `unbiased_l2_ce`,
 * `normal_debiased_ce`).
 */
import { binEdges, binSums, torchmetricsBoundaries, type BinConvention, type Binning, type BinSums } from './binning.js';
import {
  column,
  indicator,
  toPredictions,
  topLabel,
  type InputOptions,
  type LabelsInput,
  type Predictions,
  type ProbsInput,
} from './inputs.js';
import { createRng } from '@cnn/core';

/** `'marginal'`: every class on its own (own bins), combined as the ℓp mean; `'top-label'`: the top class only. */
export type CalibrationMode = 'marginal' | 'top-label';

/** Options of {@link calibrationError}. */
export interface CalibrationErrorOptions extends InputOptions {
  /** The ℓp norm, `p >= 1`. Default 2. */
  p?: number;
  /**
   * Debias the estimate. Default `true`. For `p = 2` this is the debiased plug-in estimator of
   * the squared ℓ2 error (per bin: squared gap minus `ȳ(1-ȳ)/(n_b - 1)`; bins with fewer than 2
   * examples contribute 0), clamped at 0 before the square root. For other `p` it is the
   * reference's normal-approximation resampling correction (1000 draws from a seeded generator:
   * reproducible, but not bit-identical to the reference's numpy draws); it needs every bin to
   * hold at least 2 examples.
   */
  debias?: boolean;
  /** Number of bins (fewer are used with ties or fewer examples than bins). Default 15. */
  bins?: number;
  /** Default `'equal-mass'`. */
  binning?: Binning;
  /** Default `'marginal'`. 1-D (binary) inputs ignore the mode, as in the reference. */
  mode?: CalibrationMode;
  /** Seed of the resampling used by `debias` with `p !== 2`. Default 0. */
  seed?: number;
}

/** Internal options of the shared estimator. */
export interface EstimatorOptions {
  p: number;
  debias: boolean;
  bins: number;
  binning: Binning;
  mode: CalibrationMode;
  convention: BinConvention;
  seed: number;
}

/**
 * The binned ℓp calibration error (default: debiased ℓ2, 15 equal-mass bins, marginal over
 * classes) — the same number as the reference's `lower_bound_scaling_ce(probs, labels, p,
 * debias, num_bins, binning_scheme, mode)` (`lower_bound_scaling_top_ce` for `'top-label'`).
 *
 * Returned in probability units (e.g. 0.03 = 3 percentage points). It is a lower bound on the
 * true calibration error of a continuous-output model (binning can only hide miscalibration).
 *
 * @param probs probabilities `[n, K]` (rows sum to 1) or 1-D binary probabilities of class 1;
 *   logits with `fromLogits: true`. Tensors are read, not disposed.
 * @param labels integer labels in `[0, K-1]` (0/1 for 1-D inputs).
 * @throws RangeError on bad input (naming the row/label), or with fewer than 2 examples.
 */
export function calibrationError(
  probs: ProbsInput,
  labels: LabelsInput,
  options: CalibrationErrorOptions = {},
): number {
  const preds = toPredictions(probs, labels, options, 2, 'calibrationError');
  return estimate(preds, {
    p: options.p ?? 2,
    debias: options.debias ?? true,
    bins: options.bins ?? 15,
    binning: options.binning ?? 'equal-mass',
    mode: options.mode ?? 'marginal',
    convention: 'kumar',
    seed: options.seed ?? 0,
  });
}

/** The reference's `_get_ce` on validated predictions. */
export function estimate(preds: Predictions, o: EstimatorOptions): number {
  const { p } = o;
  if (!(p >= 1) || !Number.isFinite(p)) throw new RangeError(`p must be a finite number >= 1, got ${String(p)}`);
  if (o.mode !== 'marginal' && o.mode !== 'top-label') {
    throw new RangeError(`mode must be 'marginal' or 'top-label', got ${String(o.mode)}`);
  }
  if (preds.binary) return ce1d(preds.data, indicator(preds, 1), o);
  if (o.mode === 'top-label') {
    const t = topLabel(preds);
    return ce1d(t.confidences, t.correct, o);
  }
  let sum = 0;
  for (let k = 0; k < preds.cols; k++) sum += pow(ce1d(column(preds, k), indicator(preds, k), o), p);
  return root(sum / preds.cols, p);
}

/** Bins one column of confidences against 0/1 targets with the estimator's settings. */
export function binColumn(confidences: Float64Array, targets: Float64Array, o: EstimatorOptions): BinSums {
  if (o.convention === 'torchmetrics') {
    if (o.binning !== 'equal-width') {
      throw new RangeError("the torchmetrics convention only exists for binning: 'equal-width'");
    }
    return binSums(confidences, targets, torchmetricsBoundaries(o.bins), 'torchmetrics');
  }
  return binSums(confidences, targets, binEdges(confidences, o.bins, o.binning), 'kumar');
}

/** The reference's `ce_1d`: bin, then plug-in / debiased-ℓ2 / normal-debiased estimate. */
export function ce1d(confidences: Float64Array, targets: Float64Array, o: EstimatorOptions): number {
  const s = binColumn(confidences, targets, o);
  if (o.debias && o.p === 2) return unbiasedL2(s);
  if (o.debias) return normalDebiased(s, o.p, o.seed);
  return plugin(s, o.p);
}

function pow(x: number, p: number): number {
  return p === 2 ? x * x : p === 1 ? x : Math.pow(x, p);
}

function root(x: number, p: number): number {
  return p === 2 ? Math.sqrt(x) : p === 1 ? x : Math.pow(x, 1 / p);
}

/** Plug-in estimate `(Σ_b (n_b/n) |mean conf_b - mean target_b|^p)^(1/p)`; empty bins add 0. */
export function plugin(s: BinSums, p: number): number {
  let total = 0;
  for (let b = 0; b < s.counts.length; b++) {
    const c = s.counts[b];
    if (c === 0) continue;
    const gap = Math.abs(s.sumConfidence[b] / c - s.sumTarget[b] / c);
    total += (c / s.n) * pow(gap, p);
  }
  return root(total, p);
}

/** The reference's `unbiased_l2_ce`: `sqrt(max(Σ_b (n_b/n)(gap² - ȳ(1-ȳ)/(n_b-1)), 0))`. */
export function unbiasedSquare(s: BinSums): number {
  let total = 0;
  for (let b = 0; b < s.counts.length; b++) {
    const c = s.counts[b];
    if (c < 2) continue; // the reference counts such bins as 0 (but keeps their mass in n)
    const meanY = s.sumTarget[b] / c;
    const gap = s.sumConfidence[b] / c - meanY;
    total += (c / s.n) * (gap * gap - (meanY * (1.0 - meanY)) / (c - 1.0));
  }
  return total;
}

function unbiasedL2(s: BinSums): number {
  return Math.sqrt(Math.max(unbiasedSquare(s), 0.0));
}

/** The reference's `normal_debiased_ce`: `2 · plugin − mean of 1000 normal-resampled plug-ins`. */
function normalDebiased(s: BinSums, p: number, seed: number, resamples = 1000): number {
  const nb = s.counts.length;
  for (let b = 0; b < nb; b++) {
    if (s.counts[b] <= 1) {
      throw new RangeError(
        `bin ${b} holds ${s.counts[b]} example(s): the debiased estimator for p = ${p} needs at least 2 per bin ` +
          '(use fewer bins, more data, or debias: false)',
      );
    }
  }
  const means = new Float64Array(nb);
  const sd = new Float64Array(nb);
  const model = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    means[b] = s.sumTarget[b] / s.counts[b];
    sd[b] = Math.sqrt((means[b] * (1 - means[b])) / s.counts[b]);
    model[b] = s.sumConfidence[b] / s.counts[b];
  }
  const ce = plugin(s, p);
  const rng = createRng(seed);
  let acc = 0;
  for (let r = 0; r < resamples; r++) {
    let t = 0;
    for (let b = 0; b < nb; b++) {
      const y = means[b] + sd[b] * rng.normal();
      t += (s.counts[b] / s.n) * Math.pow(Math.abs(y - model[b]), p);
    }
    acc += Math.pow(t, 1 / p);
  }
  return 2 * ce - acc / resamples;
}
