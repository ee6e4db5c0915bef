/** Reliability-diagram data: per-bin confidence, accuracy, count and gap, plus headline metrics. */
import { binColumn, estimate, type CalibrationMode, type EstimatorOptions } from './calibration-error.js';
import type { BinConvention, Binning } from './binning.js';
import { maxGap } from './ece.js';
import { toPredictions, topLabel, type InputOptions, type LabelsInput, type ProbsInput } from './inputs.js';

/** Options of {@link reliabilityDiagram}. */
export interface ReliabilityDiagramOptions extends InputOptions {
  /** Number of bins. Default 15. */
  bins?: number;
  /** Default `'equal-width'`. */
  binning?: Binning;
  /**
   * `'top-label'` (default): confidence of the predicted class vs whether it was right.
   * `'marginal'`: every (example, class) pair pooled — `p_k` vs `1[y = k]` — in one diagram.
   * 1-D binary inputs plot `P(class 1)` against the fraction of class-1 labels.
   */
  mode?: CalibrationMode;
  /** Bin membership rule (see `EceOptions.convention`): `'kumar'` (default, right-closed bins) or `'torchmetrics'`. */
  convention?: BinConvention;
}

/** One bin of a reliability diagram. `confidence`, `accuracy` and `gap` are `null` for an empty bin. */
export interface ReliabilityBin {
  /** Lower and upper edge of the bin (probability units). */
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin. */
  confidence: number | null;
  /** Fraction correct (top-label) / fraction of positives (marginal, binary) in the bin. */
  accuracy: number | null;
  /** `confidence − accuracy`: positive = over-confident. */
  gap: number | null;
}

/** Data for a reliability diagram; plain JSON. */
export interface ReliabilityDiagram {
  bins: ReliabilityBin[];
  /** Number of (confidence, outcome) pairs binned: n, or n·K for marginal. */
  count: number;
  mode: CalibrationMode | 'binary';
  binning: Binning;
  convention: BinConvention;
  metrics: {
    /** `ece(probs, labels, sameOptions)` (for marginal: the mean of per-class ECEs, each with its own bins). */
    ece: number;
    /** `mce(probs, labels, sameOptions)`. */
    mce: number;
    /** Debiased ℓ2 calibration error (15 equal-mass bins, same mode); `null` with fewer than 2 examples. */
    calibrationError: number | null;
    /** Top-1 accuracy (binary: threshold 0.5). */
    accuracy: number;
    /** Mean confidence of the binned pairs. */
    meanConfidence: number;
  };
}

/**
 * Computes a reliability diagram: for each bin the mean confidence, the accuracy, the count and
 * their gap, and the ECE / MCE / debiased ℓ2 error, ready for {@link renderReliabilityDiagramSvg}.
 */
export function reliabilityDiagram(
  probs: ProbsInput,
  labels: LabelsInput,
  options: ReliabilityDiagramOptions = {},
): ReliabilityDiagram {
  const preds = toPredictions(probs, labels, options, 1, 'reliabilityDiagram');
  const mode = options.mode ?? 'top-label';
  const o: EstimatorOptions = {
    p: 1,
    debias: false,
    bins: options.bins ?? 15,
    binning: options.binning ?? 'equal-width',
    mode,
    convention: options.convention ?? 'kumar',
    seed: 0,
  };
  const top = preds.binary ? null : topLabel(preds);
  let conf: Float64Array;
  let target: Float64Array;
  if (preds.binary) {
    conf = preds.data;
    target = Float64Array.from(preds.labels);
  } else if (mode === 'top-label') {
    conf = top!.confidences;
    target = top!.correct;
  } else {
    if (o.convention === 'torchmetrics') throw new RangeError("the torchmetrics convention is top-label only: use mode: 'top-label'");
    conf = preds.data;
    target = new Float64Array(preds.data.length);
    for (let i = 0; i < preds.rows; i++) target[i * preds.cols + preds.labels[i]] = 1;
  }
  const s = binColumn(conf, target, o);
  const bins: ReliabilityBin[] = [];
  const torch = o.convention === 'torchmetrics';
  for (let b = 0; b < s.counts.length; b++) {
    const count = s.counts[b];
    const lower = torch ? s.edges[b] : b === 0 ? 0 : s.edges[b - 1];
    const upper = torch ? (b + 1 < s.edges.length ? s.edges[b + 1] : 1) : s.edges[b];
    const confidence = count > 0 ? s.sumConfidence[b] / count : null;
    const accuracy = count > 0 ? s.sumTarget[b] / count : null;
    bins.push({ lower, upper, count, confidence, accuracy, gap: count > 0 ? confidence! - accuracy! : null });
  }
  let sumConf = 0;
  for (let i = 0; i < conf.length; i++) sumConf += conf[i];
  let acc: number;
  if (top) {
    let c = 0;
    for (let i = 0; i < preds.rows; i++) c += top.correct[i];
    acc = c / preds.rows;
  } else {
    let c = 0;
    for (let i = 0; i < preds.rows; i++) c += (preds.data[i] > 0.5 ? 1 : 0) === preds.labels[i] ? 1 : 0;
    acc = c / preds.rows;
  }
  const eceValue = estimate(preds, o);
  const ce =
    preds.rows >= 2
      ? estimate(preds, { p: 2, debias: true, bins: 15, binning: 'equal-mass', mode, convention: 'kumar', seed: 0 })
      : null;
  return {
    bins,
    count: conf.length,
    mode: preds.binary ? 'binary' : mode,
    binning: o.binning,
    convention: o.convention,
    metrics: { ece: eceValue, mce: maxGap(preds, o), calibrationError: ce, accuracy: acc, meanConfidence: sumConf / conf.length },
  };
}
