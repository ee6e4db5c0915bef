/**
 * Temperature scaling (Guo et al. 2017): divide the logits by one scalar `T > 0`, fitted by
 * minimising the negative log-likelihood on held-out data.
 */
import { readLabels, readMatrix, softmaxInPlace, type InputOptions, type LabelsInput, type Matrix, type ProbsInput } from '../inputs.js';
import { checkJsonType, toRows } from './output.js';

/** Options of {@link TemperatureScaling}. */
export interface TemperatureScalingOptions {
  /** Starting temperature of the search (any value > 0; the result does not depend on it). Default 1. */
  initialTemperature?: number;
  /** Smallest temperature allowed. Default 1e-3. */
  minTemperature?: number;
  /** Largest temperature allowed. Default 1e3. */
  maxTemperature?: number;
}

/** JSON form of a fitted {@link TemperatureScaling}. */
export interface TemperatureScalingJSON {
  type: 'temperature-scaling';
  version: 1;
  temperature: number;
}

/** How the fit went. */
export interface TemperatureFitInfo {
  /** NLL (nats) at T = 1 and at the fitted T. */
  nllBefore: number;
  nllAfter: number;
  iterations: number;
  /** True when the optimum lies at (or beyond) `minTemperature`/`maxTemperature`, e.g. separable data. */
  atBound: boolean;
}

/** Logits as an `n × K` matrix; 1-D binary logits z become rows `[0, z]` (same softmax as σ(z)). */
function logitMatrix(logits: ProbsInput, numClasses: number | undefined): Matrix {
  const m = readMatrix(logits, numClasses, 'logits');
  if (!m.binary) return m;
  const data = new Float64Array(m.rows * 2);
  for (let i = 0; i < m.rows; i++) data[2 * i + 1] = m.data[i];
  return { data, rows: m.rows, cols: 2, binary: true };
}

/** NLL and its first two derivatives with respect to β = 1/T, in one pass. */
function nllDerivatives(m: Matrix, y: Int32Array, beta: number): { f: number; g: number; h: number } {
  const { data, rows, cols } = m;
  let f = 0;
  let g = 0;
  let h = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity;
    for (let k = 0; k < cols; k++) if (beta * data[o + k] > max) max = beta * data[o + k];
    let s = 0;
    let sz = 0;
    let szz = 0;
    for (let k = 0; k < cols; k++) {
      const z = data[o + k];
      const e = Math.exp(beta * z - max);
      s += e;
      sz += e * z;
      szz += e * z * z;
    }
    const mean = sz / s;
    f += max + Math.log(s) - beta * data[o + y[i]];
    g += mean - data[o + y[i]];
    h += Math.max(szz / s - mean * mean, 0);
  }
  return { f: f / rows, g: g / rows, h: h / rows };
}

/**
 * Temperature scaling. `fit(logits, labels)` finds the NLL-minimising temperature; `calibrate`
 * returns `softmax(logits / T)`. The NLL is convex in β = 1/T, so the fit is a safeguarded Newton
 * search for the root of its derivative inside a bracket that always contains it: it converges
 * from any starting temperature; if the optimum lies outside `[minTemperature, maxTemperature]`
 * (e.g. a perfectly separable set pushes T → 0) the bound is returned and `fitInfo.atBound` is set.
 */
export class TemperatureScaling {
  /** The fitted temperature (1 before fitting). */
  temperature = 1;
  /** Diagnostics of the last `fit`. */
  fitInfo: TemperatureFitInfo | null = null;
  private readonly options: Required<TemperatureScalingOptions>;

  constructor(options: TemperatureScalingOptions = {}) {
    this.options = {
      initialTemperature: options.initialTemperature ?? 1,
      minTemperature: options.minTemperature ?? 1e-3,
      maxTemperature: options.maxTemperature ?? 1e3,
    };
    const { initialTemperature: t0, minTemperature: lo, maxTemperature: hi } = this.options;
    if (!(lo > 0 && hi > lo && Number.isFinite(hi))) {
      throw new RangeError(`need 0 < minTemperature < maxTemperature < Infinity, got ${lo}, ${hi}`);
    }
    if (!(t0 > 0 && Number.isFinite(t0))) throw new RangeError(`initialTemperature must be a finite number > 0, got ${t0}`);
  }

  /**
   * Fits T on held-out logits and labels.
   * @param logits `[n, K]` logits (or 1-D binary logits); every value must be finite.
   * @throws RangeError on non-finite logits (naming the entry), bad labels, or fewer than 2 examples.
   */
  fit(logits: ProbsInput, labels: LabelsInput, options: Pick<InputOptions, 'numClasses'> = {}): this {
    const m = logitMatrix(logits, options.numClasses);
    const y = readLabels(labels, m.rows, m.cols, m.binary);
    if (m.rows < 2) throw new RangeError(`TemperatureScaling.fit needs at least 2 examples, got ${m.rows}`);
    const { minTemperature, maxTemperature, initialTemperature } = this.options;
    let lo = 1 / maxTemperature;
    let hi = 1 / minTemperature;
    const nllBefore = nllDerivatives(m, y, 1).f;
    let iterations = 0;
    let beta: number;
    let atBound = false;
    if (nllDerivatives(m, y, lo).g >= 0) {
      beta = lo;
      atBound = true;
    } else if (nllDerivatives(m, y, hi).g <= 0) {
      beta = hi;
      atBound = true;
    } else {
      // f'(β) is increasing with f'(lo) < 0 < f'(hi): keep the root bracketed, take Newton
      // steps that stay inside the bracket and bisect (geometrically) otherwise.
      beta = Math.min(Math.max(1 / initialTemperature, lo), hi);
      for (; iterations < 200; iterations++) {
        const { g, h } = nllDerivatives(m, y, beta);
        if (g === 0) break;
        if (g < 0) lo = beta;
        else hi = beta;
        let next = beta - g / h;
        if (!(h > 0) || !(next > lo && next < hi)) next = Math.sqrt(lo * hi);
        const done = Math.abs(next - beta) <= 1e-13 * beta || hi - lo <= 1e-14 * hi;
        beta = next;
        if (done) break;
      }
    }
    this.temperature = 1 / beta;
    this.fitInfo = { nllBefore, nllAfter: nllDerivatives(m, y, beta).f, iterations, atBound };
    return this;
  }

  /**
   * `softmax(logits / T)` (σ(z / T) for 1-D binary logits), in float64. The output mirrors the
   * input: `number[][]` for nested arrays and tensors, a flat `Float64Array` for flat typed
   * arrays, `number[]` (probability of class 1) for 1-D binary logits.
   */
  calibrate(logits: ProbsInput, options: Pick<InputOptions, 'numClasses'> = {}): number[][] | number[] | Float64Array {
    const m = readMatrix(logits, options.numClasses, 'logits');
    for (let i = 0; i < m.data.length; i++) m.data[i] /= this.temperature;
    softmaxInPlace(m);
    if (m.binary) return Array.from(m.data);
    if (ArrayBuffer.isView(logits)) return m.data;
    return toRows(m.data, m.rows, m.cols);
  }

  toJSON(): TemperatureScalingJSON {
    return { type: 'temperature-scaling', version: 1, temperature: this.temperature };
  }

  static fromJSON(json: unknown): TemperatureScaling {
    const j = checkJsonType(json, 'temperature-scaling');
    const t = j.temperature;
    if (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t)) {
      throw new TypeError(`temperature-scaling: temperature must be a finite number > 0, got ${String(t)}`);
    }
    const ts = new TemperatureScaling({ minTemperature: Math.min(1e-3, t), maxTemperature: Math.max(1e3, t * 2) });
    ts.temperature = t;
    return ts;
  }
}
