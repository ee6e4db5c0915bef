/** Proper scoring rules and accuracy on plain arrays, in float64. */
import { readLabels, readMatrix, checkProbabilities, toPredictions, DEFAULT_SUM_TOLERANCE, type InputOptions, type LabelsInput, type ProbsInput } from './inputs.js';

/**
 * Brier score: the mean over examples of `Σ_k (p_k − 1[y = k])²` (Brier 1950, multi-class form;
 * in `[0, 2]`). For 1-D binary inputs: the mean of `(p − y)²` (in `[0, 1]`), i.e. half the
 * two-column form. Kumar et al.'s `eval_marginal_mse` is the multi-class form divided by 2.
 */
export function brier(probs: ProbsInput, labels: LabelsInput, options: InputOptions = {}): number {
  const p = toPredictions(probs, labels, options, 1, 'brier');
  let total = 0;
  for (let i = 0; i < p.rows; i++) {
    if (p.binary) {
      const d = p.data[i] - p.labels[i];
      total += d * d;
      continue;
    }
    const o = i * p.cols;
    for (let k = 0; k < p.cols; k++) {
      const d = p.data[o + k] - (p.labels[i] === k ? 1 : 0);
      total += d * d;
    }
  }
  return total / p.rows;
}

/** Options of {@link nll}. */
export interface NllOptions extends InputOptions {
  /**
   * Probabilities are clipped to `[eps, 1]` before the log so a confident mistake costs
   * `-log(eps)` instead of `Infinity`. Default 0 (no clipping: a zero probability on the true
   * class gives `Infinity`, honestly).
   */
  eps?: number;
}

/**
 * Negative log-likelihood (cross-entropy, natural log, nats per example) of the true labels.
 * With `fromLogits: true` it is computed from the logits with a stable log-softmax, so it stays
 * finite even where the softmax underflows.
 */
export function nll(probs: ProbsInput, labels: LabelsInput, options: NllOptions = {}): number {
  const eps = options.eps ?? 0;
  if (!(eps >= 0 && eps < 1)) throw new RangeError(`eps must be in [0, 1), got ${String(eps)}`);
  if (options.fromLogits) {
    const m = readMatrix(probs, options.numClasses, 'logits');
    const y = readLabels(labels, m.rows, m.binary ? 2 : m.cols, m.binary);
    let total = 0;
    for (let i = 0; i < m.rows; i++) {
      let logp: number;
      if (m.binary) {
        // log σ(z) = −softplus(−z), log(1 − σ(z)) = −softplus(z)
        const z = m.data[i];
        logp = -softplus(y[i] === 1 ? -z : z);
      } else {
        logp = logSoftmaxAt(m.data, i * m.cols, m.cols, y[i]);
      }
      total -= eps > 0 ? Math.max(logp, Math.log(eps)) : logp;
    }
    return total / m.rows;
  }
  const p = toPredictions(probs, labels, options, 1, 'nll');
  let total = 0;
  for (let i = 0; i < p.rows; i++) {
    let q = p.binary ? (p.labels[i] === 1 ? p.data[i] : 1 - p.data[i]) : p.data[i * p.cols + p.labels[i]];
    if (q < eps) q = eps;
    total -= Math.log(q);
  }
  return total / p.rows;
}

/** `log(1 + e^x)` without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** `log softmax(row)[k]` for the row starting at `offset`. */
export function logSoftmaxAt(data: ArrayLike<number>, offset: number, cols: number, k: number): number {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) if (data[offset + j] > max) max = data[offset + j];
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(data[offset + j] - max);
  return data[offset + k] - max - Math.log(sum);
}

/**
 * Top-1 accuracy: the fraction of rows whose first largest probability is the label (numpy
 * argmax tie rule). 1-D binary inputs predict class 1 when `p > 0.5`. Accepts logits too
 * (argmax is the same; pass `fromLogits: true` to skip the probability checks).
 */
export function accuracy(probs: ProbsInput, labels: LabelsInput, options: InputOptions = {}): number {
  const m = readMatrix(probs, options.numClasses, options.fromLogits ? 'logits' : 'probs');
  if (!options.fromLogits) checkProbabilities(m, options.sumTolerance ?? DEFAULT_SUM_TOLERANCE);
  const y = readLabels(labels, m.rows, m.binary ? 2 : m.cols, m.binary);
  let correct = 0;
  for (let i = 0; i < m.rows; i++) {
    let pred: number;
    if (m.binary) pred = m.data[i] > (options.fromLogits ? 0 : 0.5) ? 1 : 0;
    else {
      const o = i * m.cols;
      pred = 0;
      for (let k = 1; k < m.cols; k++) if (m.data[o + k] > m.data[o + pred]) pred = k;
    }
    if (pred === y[i]) correct++;
  }
  return correct / m.rows;
}
