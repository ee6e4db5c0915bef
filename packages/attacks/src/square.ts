import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier } from '@cnn/core';
import { range } from './rows.js';
import { prepare, type Prepared } from './prepare.js';
import { initL2, initLinf, proposeL2, proposeLinf, type Box, type HostImages } from './square-proposals.js';
import { pSelection, squareSide } from './square-schedule.js';
import { checkCount, checkNonNegative, checkWithinBounds } from './validate.js';
import type { AttackNorm, AttackResult, CommonAttackOptions, LabelsInput } from './types.js';

export interface SquareOptions extends CommonAttackOptions {
  /** Threat model; default `'linf'`. */
  norm?: AttackNorm;
  /** Radius of the ball in pixel units. */
  eps: number;
  /** Queries (iterations) per run; default 5000 (AutoAttack's). */
  nQueries?: number;
  /** Initial fraction of the image a square covers; default 0.8. */
  pInit?: number;
  /** Runs, each on the examples still robust; default 1. */
  restarts?: number;
  /** Stretch the p schedule to `nQueries` (square.py `resc_schedule`); default false, as AutoAttack runs it. */
  rescaleSchedule?: boolean;
}

/**
 * Square Attack (Andriushchenko et al. 2020), the score-based black-box attack of AutoAttack, as
 * auto-attack's `square.py` (margin loss, L∞ and L2): random square-shaped updates of shrinking
 * size (the p schedule), kept per example when they lower the margin z_y − max_{i≠y} z_i or fool
 * the classifier. Uses only forward passes, so any `(x) => logits` works (no gradients needed).
 *
 * Only examples the classifier gets right are attacked. Returned per example: the clean image if
 * misclassified already, else the point of lowest margin found (fooling when `success`). All
 * draws are `rng.uniform()` calls in the reference's order, so a recorded sequence replays a run.
 * Inputs are neither modified nor disposed; the caller disposes `adversarial`.
 */
export async function square(classifier: Classifier, images: Tensor4D, labels: LabelsInput, options: SquareOptions): Promise<AttackResult> {
  const fn = 'square';
  const norm = options?.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`${fn}: norm must be 'linf' or 'l2', got ${String(norm)}`);
  const eps = checkNonNegative(fn, 'eps', options?.eps);
  const nQueries = checkCount(fn, 'nQueries', options.nQueries ?? 5000, 0);
  const restarts = checkCount(fn, 'restarts', options.restarts ?? 1, 1);
  const pInit = options.pInit ?? 0.8;
  if (typeof pInit !== 'number' || !(pInit > 0 && pInit <= 1)) throw new RangeError(`${fn}: pInit must be in (0, 1] (a fraction of the image), got ${String(pInit)}`);
  if ((options as { targets?: unknown }).targets !== undefined) throw new Error(`${fn}: only the untargeted version is implemented`);
  const p = await prepare(fn, images, labels, options);
  checkWithinBounds(fn, 'eps', eps, norm, p.low, p.high, images);
  const [n, h, w, c] = images.shape;
  if (norm === 'l2' && Math.min(h, w) < 5) throw new Error(`${fn}: the L2 version tiles the image in 5×5 blocks; images must be at least 5×5, got ${h}×${w}`);

  const x = Float32Array.from(await images.data());
  const per = h * w * c;
  const first = await margins(classifier, x, range(n), p, h, w, c);
  const robust = [...first.right];
  const out = Float32Array.from(x);
  const bestMargin = new Float32Array(n).fill(Infinity);
  const box: Box = { eps, low: p.low, high: p.high };
  const run: RunSettings = { norm, nQueries, pInit, rescale: options.rescaleSchedule ?? false };
  for (let r = 0; r < restarts; r++) {
    const rows = range(n).filter((i) => robust[i]);
    if (rows.length === 0) break;
    const xs: HostImages = { data: takeHostRows(x, rows, per), n: rows.length, h, w, c };
    const result = await squareRun(classifier, xs, rows, p, box, run);
    // As square.py's perturb: success is judged by the top-1 on the run's output.
    const after = await margins(classifier, result.best, rows, p, h, w, c);
    rows.forEach((row, j) => {
      const fooled = !after.right[j];
      if (fooled) robust[row] = false;
      if (fooled || result.margin[j] < bestMargin[row]) {
        bestMargin[row] = result.margin[j];
        out.set(result.best.subarray(j * per, (j + 1) * per), row * per);
      }
    });
  }
  const adversarial = tf.tensor4d(out, [n, h, w, c]);
  if (options.measureSuccess === false) return { adversarial, success: [] };
  const final = await margins(classifier, out, range(n), p, h, w, c);
  return { adversarial, success: final.right.map((right) => !right) };
}

interface RunSettings {
  norm: AttackNorm;
  nQueries: number;
  pInit: number;
  rescale: boolean;
}

interface Margins {
  margin: Float32Array;
  /** The top-1 is the label. */
  right: boolean[];
}

/** square.py `attack_single_run` (margin loss): the best point and its margin per row of `x`. */
async function squareRun(classifier: Classifier, x: HostImages, rows: Int32Array, p: Prepared, box: Box, s: RunSettings): Promise<{ best: Float32Array; margin: Float32Array }> {
  const { n, h, w, c } = x;
  const per = h * w * c;
  const best = s.norm === 'linf' ? initLinf(x, box, p.rng) : initL2(x, box, p.rng);
  const { margin } = await margins(classifier, best, rows, p, h, w, c);
  const loss = Float32Array.from(margin);
  if (margin.every((m) => m < 0)) return { best, margin };
  for (let it = 0; it < s.nQueries; it++) {
    const idx = range(n).filter((i) => margin[i] > 0);
    if (idx.length === 0) break;
    const cur: HostImages = { data: takeHostRows(x.data, idx, per), n: idx.length, h, w, c };
    const curBest = takeHostRows(best, idx, per);
    const side = squareSide(pSelection(it, s.pInit, s.nQueries, s.rescale), per, c, h, w, s.norm);
    const next = s.norm === 'linf' ? proposeLinf(cur, curBest, side, box, p.rng) : proposeL2(cur, curBest, side, box, p.rng);
    const m = await margins(classifier, next, Int32Array.from(idx, (i) => rows[i]), p, h, w, c);
    idx.forEach((i, j) => {
      const lower = m.margin[j] < loss[i];
      if (lower) loss[i] = m.margin[j];
      if (lower || m.margin[j] <= 0) {
        margin[i] = m.margin[j];
        best.set(next.subarray(j * per, (j + 1) * per), i * per);
      }
    });
    if (margin.every((v) => v <= 0)) break;
  }
  return { best, margin };
}

/**
 * One forward pass on host images whose labels are `p.labels[rows[j]]`: per row the margin
 * z_y − max_{i≠y} z_i (float32, as square.py computes it) and whether the top-1 is the label.
 */
async function margins(classifier: Classifier, data: Float32Array, rows: Int32Array, p: Prepared, h: number, w: number, c: number): Promise<Margins> {
  const n = rows.length;
  const z = tf.tidy(() => {
    const logits = classifier(tf.tensor4d(data, [n, h, w, c]));
    p.checkLogits(logits, n);
    return logits;
  });
  const v = await z.data();
  const k = z.shape[1];
  z.dispose();
  const margin = new Float32Array(n);
  const right: boolean[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const y = p.labels[rows[j]];
    let other = -Infinity;
    let top = 0;
    for (let i = 0; i < k; i++) {
      if (i !== y && v[j * k + i] > other) other = v[j * k + i];
      if (v[j * k + i] > v[j * k + top]) top = i;
    }
    margin[j] = Math.fround(v[j * k + y] - other);
    right[j] = top === y;
  }
  return { margin, right };
}

function takeHostRows(data: Float32Array, rows: ArrayLike<number>, per: number): Float32Array {
  const out = new Float32Array(rows.length * per);
  for (let j = 0; j < rows.length; j++) out.set(data.subarray(rows[j] * per, (rows[j] + 1) * per), j * per);
  return out;
}
