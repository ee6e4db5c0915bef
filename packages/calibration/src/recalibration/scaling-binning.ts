/**
 * Kumar et al.'s scaling-binning calibrator ("Verified Uncertainty Calibration", §4; the
 * reference's `PlattBinnerTopCalibrator` / `PlattBinnerMarginalCalibrator`): first fit a scaling
 * function (Platt, or temperature scaling on logits), then bin its outputs into equal-mass bins
 * and replace each output by the mean *scaled* value of its bin. The output takes finitely many
 * values, so its calibration error can be measured (unlike a scaling method's), while keeping
 * the sample efficiency of scaling.
 */
import type { CalibrationMode } from '../calibration-error.js';
import { readLabels, readMatrix, toPredictions, type InputOptions, type LabelsInput, type Predictions, type ProbsInput } from '../inputs.js';
import { applyBinnedMap, checkBinnedMap, fitBinnedMap, type BinnedMap } from './binned-map.js';
import { applyColumns, checkLayout, fittingColumns, toPredictionsNoLabels } from './histogram-binning.js';
import { checkJsonType, type CalibratedOutput } from './output.js';
import { applyPlatt, fitPlatt, type PlattParams } from './platt.js';
import { TemperatureScaling } from './temperature-scaling.js';

/** Options of {@link ScalingBinning}. */
export interface ScalingBinningOptions {
  /** Number of equal-mass bins. Default 10. */
  bins?: number;
  /** `'top-label'` (default) or `'marginal'`. Ignored for 1-D binary inputs. */
  mode?: CalibrationMode;
  /**
   * `'platt'` (default, as the reference): a Platt scaler per map, fitted on probabilities.
   * `'temperature'`: one temperature on the **logits** (inputs to `fit` and `calibrate` are then
   * logits), then the binning on `softmax(logits / T)`.
   */
  scaler?: 'platt' | 'temperature';
}

/** JSON form of a fitted {@link ScalingBinning}. */
export interface ScalingBinningJSON {
  type: 'scaling-binning';
  version: 1;
  bins: number;
  mode: CalibrationMode;
  scaler: 'platt' | 'temperature';
  numClasses: number;
  binary: boolean;
  /** Platt parameters per map (scaler `'platt'`). */
  platt?: PlattParams[];
  /** Fitted temperature (scaler `'temperature'`). */
  temperature?: number;
  maps: BinnedMap[];
}

/**
 * Scaling-binning recalibrator: `fit` on held-out predictions, then `calibrate` new ones (see
 * {@link CalibratedOutput}). With the Platt scaler it reproduces the reference's PlattBinner
 * calibrators up to the Platt fit (scikit-learn's L-BFGS stops at a looser tolerance than our
 * Newton solve: ~1e-5 differences).
 */
export class ScalingBinning {
  readonly bins: number;
  readonly mode: CalibrationMode;
  readonly scaler: 'platt' | 'temperature';
  private maps: BinnedMap[] | null = null;
  private platt: PlattParams[] = [];
  private temperature: TemperatureScaling | null = null;
  private numClasses = 0;
  private binary = false;

  constructor(options: ScalingBinningOptions = {}) {
    this.bins = options.bins ?? 10;
    this.mode = options.mode ?? 'top-label';
    this.scaler = options.scaler ?? 'platt';
    if (!Number.isInteger(this.bins) || this.bins < 1) throw new RangeError(`bins must be a positive integer, got ${this.bins}`);
    if (this.mode !== 'top-label' && this.mode !== 'marginal') throw new RangeError(`mode must be 'top-label' or 'marginal', got ${String(this.mode)}`);
    if (this.scaler !== 'platt' && this.scaler !== 'temperature') throw new RangeError(`scaler must be 'platt' or 'temperature', got ${String(this.scaler)}`);
  }

  /**
   * Fits on held-out data: probabilities for the Platt scaler (logits with `fromLogits`), logits
   * for the temperature scaler. Needs >= 2 examples.
   */
  fit(probsOrLogits: ProbsInput, labels: LabelsInput, options: InputOptions = {}): this {
    let p: Predictions;
    if (this.scaler === 'temperature') {
      const m = readMatrix(probsOrLogits, options.numClasses, 'logits');
      const y = readLabels(labels, m.rows, m.binary ? 2 : m.cols, m.binary);
      this.temperature = new TemperatureScaling().fit(probsOrLogits, y, { numClasses: options.numClasses });
      p = this.scaled(probsOrLogits, options.numClasses);
      p.labels = y;
    } else {
      p = toPredictions(probsOrLogits, labels, options, 2, 'ScalingBinning.fit');
    }
    if (p.rows < 2) throw new RangeError(`ScalingBinning.fit needs at least 2 examples, got ${p.rows}`);
    const cols = fittingColumns(p, this.mode);
    this.platt = [];
    this.maps = cols.map(([x, y]) => {
      let z = x;
      if (this.scaler === 'platt') {
        const params = fitPlatt(x, y);
        this.platt.push(params);
        z = x.map((v) => applyPlatt(params, v));
      }
      // The reference's discrete calibrator: each bin maps to the mean of the scaled values.
      return fitBinnedMap(z, z, this.bins);
    });
    this.numClasses = p.numClasses;
    this.binary = p.binary;
    return this;
  }

  private scaled(logits: ProbsInput, numClasses: number | undefined): Predictions {
    const probs = this.temperature!.calibrate(logits, { numClasses });
    return toPredictionsNoLabels(probs, { numClasses, sumTolerance: 1e-9 });
  }

  /** Recalibrates new predictions (same kind of input as `fit`). */
  calibrate(probsOrLogits: ProbsInput, options: InputOptions = {}): CalibratedOutput {
    const maps = this.maps;
    if (!maps) throw new Error('ScalingBinning.calibrate called before fit');
    const p = this.scaler === 'temperature' ? this.scaled(probsOrLogits, options.numClasses) : toPredictionsNoLabels(probsOrLogits, options);
    checkLayout(p, this.binary, this.numClasses, 'ScalingBinning');
    if (this.scaler === 'temperature') return applyColumns(p, this.mode, (k, v) => applyBinnedMap(maps[k], v));
    return applyColumns(p, this.mode, (k, v) => applyBinnedMap(maps[k], applyPlatt(this.platt[k], v)));
  }

  toJSON(): ScalingBinningJSON {
    if (!this.maps) throw new Error('ScalingBinning.toJSON called before fit');
    const j: ScalingBinningJSON = {
      type: 'scaling-binning', version: 1, bins: this.bins, mode: this.mode, scaler: this.scaler,
      numClasses: this.numClasses, binary: this.binary, maps: this.maps,
    };
    if (this.scaler === 'platt') j.platt = this.platt;
    else j.temperature = this.temperature!.temperature;
    return j;
  }

  static fromJSON(json: unknown): ScalingBinning {
    const j = checkJsonType(json, 'scaling-binning') as unknown as ScalingBinningJSON;
    const s = new ScalingBinning({ bins: j.bins, mode: j.mode, scaler: j.scaler });
    if (!Array.isArray(j.maps)) throw new TypeError('scaling-binning: maps must be an array');
    s.maps = j.maps.map((m, i) => checkBinnedMap(m, `scaling-binning maps[${i}]`));
    s.numClasses = j.numClasses;
    s.binary = j.binary === true;
    const expected = s.binary || s.mode === 'top-label' ? 1 : s.numClasses;
    if (s.maps.length !== expected) throw new TypeError(`scaling-binning: expected ${expected} maps, got ${s.maps.length}`);
    if (s.scaler === 'platt') {
      if (!Array.isArray(j.platt) || j.platt.length !== expected || !j.platt.every((q) => Number.isFinite(q?.a) && Number.isFinite(q?.b))) {
        throw new TypeError(`scaling-binning: expected ${expected} Platt parameter pairs { a, b }`);
      }
      s.platt = j.platt.map((q) => ({ a: q.a, b: q.b }));
    } else {
      s.temperature = TemperatureScaling.fromJSON({ type: 'temperature-scaling', version: 1, temperature: j.temperature });
    }
    return s;
  }
}
