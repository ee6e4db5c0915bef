/**
 * Histogram binning (Zadrozny & Elkan 2001) as the reference's `HistogramTopCalibrator` /
 * `HistogramMarginalCalibrator`: equal-mass bins over the held-out probabilities, each bin
 * mapped to the observed frequency of its examples.
 */
import type { CalibrationMode } from '../calibration-error.js';
import { column, indicator, toPredictions, toProbabilities, topLabel, type InputOptions, type LabelsInput, type Predictions, type ProbsInput } from '../inputs.js';
import { applyBinnedMap, checkBinnedMap, fitBinnedMap, type BinnedMap } from './binned-map.js';
import { checkJsonType, type CalibratedOutput } from './output.js';

/** Options of {@link HistogramBinning}. */
export interface HistogramBinningOptions {
  /** Number of equal-mass bins (fewer with ties or few examples). Default 10. */
  bins?: number;
  /** `'top-label'` (default) or `'marginal'` (one map per class). Ignored for 1-D binary inputs. */
  mode?: CalibrationMode;
}

/** JSON form of a fitted {@link HistogramBinning}. */
export interface HistogramBinningJSON {
  type: 'histogram-binning';
  version: 1;
  bins: number;
  mode: CalibrationMode;
  /** Number of classes, 2 for binary (1-D) fits. */
  numClasses: number;
  binary: boolean;
  /** One map (top-label, binary) or one per class (marginal). */
  maps: BinnedMap[];
}

/** The 1-D problems a recalibrator is fitted on: (probabilities, 0/1 targets) per map. */
export function fittingColumns(p: Predictions, mode: CalibrationMode): [Float64Array, Float64Array][] {
  if (p.binary) return [[p.data, indicator(p, 1)]];
  if (mode === 'top-label') {
    const t = topLabel(p);
    return [[t.confidences, t.correct]];
  }
  if (mode !== 'marginal') throw new RangeError(`mode must be 'top-label' or 'marginal', got ${String(mode)}`);
  const cols: [Float64Array, Float64Array][] = [];
  for (let k = 0; k < p.cols; k++) cols.push([column(p, k), indicator(p, k)]);
  return cols;
}

/** Applies one 1-D transform per map to predictions, in the shape of the mode. */
export function applyColumns(
  p: Predictions,
  mode: CalibrationMode,
  f: (mapIndex: number, prob: number) => number,
): CalibratedOutput {
  if (p.binary) return { kind: 'binary', probs: Array.from(p.data, (v) => f(0, v)) };
  if (mode === 'top-label') {
    const t = topLabel(p);
    return { kind: 'top-label', predictions: Array.from(t.predictions), confidences: Array.from(t.confidences, (v) => f(0, v)) };
  }
  const probs: number[][] = [];
  for (let i = 0; i < p.rows; i++) {
    const row: number[] = [];
    for (let k = 0; k < p.cols; k++) row.push(f(k, p.data[i * p.cols + k]));
    probs.push(row);
  }
  return { kind: 'marginal', probs };
}

/** Checks that new predictions have the fitted layout. */
export function checkLayout(p: Predictions, binary: boolean, numClasses: number, who: string): void {
  if (p.binary !== binary || (!binary && p.cols !== numClasses)) {
    throw new RangeError(
      `${who} was fitted on ${binary ? '1-D binary probabilities' : `${numClasses} classes`} but got ` +
        `${p.binary ? '1-D binary probabilities' : `${p.cols} classes`}`,
    );
  }
}

/**
 * Histogram binning recalibrator: `fit(probs, labels)` on held-out data, then
 * `calibrate(probs)` (see {@link CalibratedOutput} for what comes back). Matches the reference's
 * histogram calibrators exactly.
 */
export class HistogramBinning {
  readonly bins: number;
  readonly mode: CalibrationMode;
  private maps: BinnedMap[] | null = null;
  private numClasses = 0;
  private binary = false;

  constructor(options: HistogramBinningOptions = {}) {
    this.bins = options.bins ?? 10;
    this.mode = options.mode ?? 'top-label';
    if (!Number.isInteger(this.bins) || this.bins < 1) throw new RangeError(`bins must be a positive integer, got ${this.bins}`);
    if (this.mode !== 'top-label' && this.mode !== 'marginal') throw new RangeError(`mode must be 'top-label' or 'marginal', got ${String(this.mode)}`);
  }

  /** Fits on held-out probabilities (or logits with `fromLogits`) and labels; needs >= 2 examples. */
  fit(probs: ProbsInput, labels: LabelsInput, options: InputOptions = {}): this {
    const p = toPredictions(probs, labels, options, 2, 'HistogramBinning.fit');
    this.maps = fittingColumns(p, this.mode).map(([x, y]) => fitBinnedMap(x, y, this.bins));
    this.numClasses = p.numClasses;
    this.binary = p.binary;
    return this;
  }

  /** Recalibrates new predictions (labels are not needed). */
  calibrate(probs: ProbsInput, options: InputOptions = {}): CalibratedOutput {
    const maps = this.maps;
    if (!maps) throw new Error('HistogramBinning.calibrate called before fit');
    const p = toPredictionsNoLabels(probs, options);
    checkLayout(p, this.binary, this.numClasses, 'HistogramBinning');
    return applyColumns(p, this.mode, (k, v) => applyBinnedMap(maps[k], v));
  }

  toJSON(): HistogramBinningJSON {
    if (!this.maps) throw new Error('HistogramBinning.toJSON called before fit');
    return { type: 'histogram-binning', version: 1, bins: this.bins, mode: this.mode, numClasses: this.numClasses, binary: this.binary, maps: this.maps };
  }

  static fromJSON(json: unknown): HistogramBinning {
    const j = checkJsonType(json, 'histogram-binning') as unknown as HistogramBinningJSON;
    const h = new HistogramBinning({ bins: j.bins, mode: j.mode });
    if (!Array.isArray(j.maps)) throw new TypeError('histogram-binning: maps must be an array');
    h.maps = j.maps.map((m, i) => checkBinnedMap(m, `histogram-binning maps[${i}]`));
    h.numClasses = j.numClasses;
    h.binary = j.binary === true;
    const expected = h.binary || h.mode === 'top-label' ? 1 : h.numClasses;
    if (h.maps.length !== expected) throw new TypeError(`histogram-binning: expected ${expected} maps, got ${h.maps.length}`);
    return h;
  }
}

/** Validates predictions for `calibrate`, where there are no labels (they are set to 0). */
export function toPredictionsNoLabels(probs: ProbsInput, options: InputOptions): Predictions {
  const m = toProbabilities(probs, options);
  return { ...m, labels: new Int32Array(m.rows), numClasses: m.binary ? 2 : m.cols };
}
