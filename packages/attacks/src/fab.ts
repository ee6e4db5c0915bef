import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier, Rng } from '@cnn/core';
import { ensureGradients } from '@cnn/core/gradients';
import { projectionL2, projectionLinf } from './fab-projections.js';
import { prepare, type Prepared } from './prepare.js';
import { range } from './rows.js';
import { checkCount, checkNonNegative, checkWithinBounds } from './validate.js';
import type { AttackNorm, AttackResult, CommonAttackOptions, LabelsInput } from './types.js';

export interface FabOptions extends CommonAttackOptions {
  /** Threat model; default `'linf'`. */
  norm?: AttackNorm;
  /** Radius: a found point counts only within it; also the size of random restarts' starts. */
  eps: number;
  /** Iterations per run; default 100. */
  steps?: number;
  /** Runs (per target class when targeted); the 2nd and later start at a random point. Default 1. */
  restarts?: number;
  /** FAB-T: one run per each of the `nTargetClasses` highest non-true clean classes. Default false. */
  targeted?: boolean;
  /** Target classes of FAB-T; default 9. */
  nTargetClasses?: number;
  /** Largest step towards the original image; default 0.1. */
  alphaMax?: number;
  /** Overshoot of the projection; default 1.05. */
  eta?: number;
  /** Backward step after a success; default 0.9. */
  beta?: number;
}

interface Cfg {
  norm: AttackNorm;
  eps: number;
  steps: number;
  alphaMax: number;
  eta: number;
  beta: number;
}

/**
 * FAB (Croce & Hein 2020, "Minimally distorted adversarial examples with a fast adaptive
 * boundary attack") as auto-attack's fab_base.py / fab_pt.py: linearise the classifier around the
 * iterate, project onto the closest linearised decision boundary (fab_projections.py, L∞ or L2,
 * in the [0, 1] box), step with overshoot η biased towards the clean image by α ≤ α_max, and step
 * back by β after each success, keeping the smallest adversarial perturbation. Untargeted FAB uses
 * the whole input Jacobian (one backward pass per class); FAB-T (`targeted`) one gradient per step
 * towards each of the `nTargetClasses` runner-up classes. A point counts as adversarial when its
 * perturbation is within `eps`. Bounds must be [0, 1] (the reference's projections assume it).
 *
 * Returns per example the smallest adversarial point found within ε, else the clean image.
 */
export async function fab(classifier: Classifier, images: Tensor4D, labels: LabelsInput, options: FabOptions): Promise<AttackResult> {
  const fn = options?.targeted ? 'fab (targeted)' : 'fab';
  ensureGradients();
  const norm = options?.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`${fn}: norm must be 'linf' or 'l2', got ${String(norm)}`);
  const cfg: Cfg = {
    norm,
    eps: checkNonNegative(fn, 'eps', options?.eps),
    steps: checkCount(fn, 'steps', options.steps ?? 100, 1),
    alphaMax: checkNonNegative(fn, 'alphaMax', options.alphaMax ?? 0.1),
    eta: checkNonNegative(fn, 'eta', options.eta ?? 1.05),
    beta: checkNonNegative(fn, 'beta', options.beta ?? 0.9),
  };
  const restarts = checkCount(fn, 'restarts', options.restarts ?? 1, 1);
  const targeted = options.targeted ?? false;
  const nTargets = targeted ? checkCount(fn, 'nTargetClasses', options.nTargetClasses ?? 9, 1) : 1;
  if (options.bounds && (options.bounds[0] !== 0 || options.bounds[1] !== 1)) throw new Error(`${fn}: bounds must be [0, 1] (FAB's projections assume that box)`);
  if ((options as { targets?: unknown }).targets !== undefined) throw new Error(`${fn}: takes no targets (FAB-T picks them from the clean logits)`);
  const p = await prepare(fn, images, labels, options);
  checkWithinBounds(fn, 'eps', cfg.eps, norm, p.low, p.high, images);
  const [n, h, w, c] = images.shape;
  const per = h * w * c;
  const x = Float32Array.from(await images.data());
  const clean = await logitsOf(classifier, x, n, images.shape, p);
  const k = clean.length / n;
  if (targeted && nTargets >= k) throw new RangeError(`${fn}: nTargetClasses = ${nTargets} must be below the number of classes (${k})`);
  const robust = Array.from({ length: n }, (_, i) => argmax(clean, i, k) === p.labels[i]);
  const out = Float32Array.from(x);
  for (let t = 0; t < nTargets; t++) {
    for (let r = 0; r < restarts; r++) {
      const rows = range(n).filter((i) => robust[i]);
      if (rows.length === 0) break;
      const xs = take(x, rows, per);
      const targets = targeted ? await rankedTargets(classifier, xs, rows.length, images.shape, p, t + 2) : undefined;
      const found = await fabRun(classifier, xs, rows, p, images.shape, cfg, r > 0, targets);
      rows.forEach((row, j) => {
        if (!(found.dist[j] <= cfg.eps)) return;
        robust[row] = false;
        out.set(found.adv.subarray(j * per, (j + 1) * per), row * per);
      });
    }
  }
  const adversarial = tf.tensor4d(out, [n, h, w, c]);
  if (options.measureSuccess === false) return { adversarial, success: [] };
  const z = await logitsOf(classifier, out, n, images.shape, p);
  return { adversarial, success: Array.from({ length: n }, (_, i) => argmax(z, i, k) !== p.labels[i]) };
}

function argmax(v: ArrayLike<number>, row: number, k: number): number {
  let best = 0;
  for (let i = 1; i < k; i++) if (v[row * k + i] > v[row * k + best]) best = i;
  return best;
}

function take(data: Float32Array, rows: ArrayLike<number>, per: number): Float32Array {
  const out = new Float32Array(rows.length * per);
  for (let j = 0; j < rows.length; j++) out.set(data.subarray(rows[j] * per, (rows[j] + 1) * per), j * per);
  return out;
}

async function logitsOf(classifier: Classifier, data: Float32Array, n: number, shape: readonly number[], p: Prepared): Promise<Float32Array> {
  const z = tf.tidy(() => {
    const logits = classifier(tf.tensor4d(data, [n, shape[1], shape[2], shape[3]]));
    p.checkLogits(logits, n);
    return logits;
  });
  const v = (await z.data()) as Float32Array;
  z.dispose();
  return v;
}

/** fab_base: `output.sort(dim=-1)[1][:, -targetClass]` on the clean rows (2: the runner-up). */
async function rankedTargets(classifier: Classifier, xs: Float32Array, n: number, shape: readonly number[], p: Prepared, targetClass: number): Promise<Int32Array> {
  const z = await logitsOf(classifier, xs, n, shape, p);
  const k = z.length / n;
  return Int32Array.from({ length: n }, (_, i) => {
    const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => z[i * k + b] - z[i * k + a] || a - b);
    return order[targetClass - 1];
  });
}

/**
 * Per row, the logit differences f_j − f_y and their input gradients (fab_pt's
 * get_diff_logits_grads_batch; targeted: the single f_t − f_y), plus the predicted class.
 */
function linearise(classifier: Classifier, x1: Tensor4D, la: Int32Array, targets: Int32Array | undefined): { df: Float32Array; dg: Float32Array; m: number } {
  return tf.tidy(() => {
    const n = x1.shape[0];
    const y = tf.tensor1d(la, 'int32');
    if (targets) {
      const t = tf.tensor1d(targets, 'int32');
      const f = (x: tf.Tensor): tf.Scalar => {
        const z = classifier(x as Tensor4D);
        return tf.sum(tf.sub(tf.sum(tf.mul(tf.oneHot(t, z.shape[1]), z), 1), tf.sum(tf.mul(tf.oneHot(y, z.shape[1]), z), 1)));
      };
      const z = classifier(x1);
      const df = tf.sub(tf.sum(tf.mul(tf.oneHot(t, z.shape[1]), z), 1), tf.sum(tf.mul(tf.oneHot(y, z.shape[1]), z), 1));
      return { df: df.dataSync() as Float32Array, dg: tf.grad(f)(x1).dataSync() as Float32Array, m: 1 };
    }
    const z = classifier(x1);
    const k = z.shape[1];
    const zv = z.dataSync();
    const grads = Array.from({ length: k }, (_, j) => tf.grad((x: tf.Tensor) => tf.sum(tf.slice(classifier(x as Tensor4D), [0, j], [-1, 1])))(x1).dataSync());
    const per = x1.size / n;
    const df = new Float32Array(n * k);
    const dg = new Float32Array(n * k * per);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        df[i * k + j] = j === la[i] ? 1e10 : Math.fround(zv[i * k + j] - zv[i * k + la[i]]);
        for (let q = 0; q < per; q++) dg[(i * k + j) * per + q] = Math.fround(grads[j][i * per + q] - grads[la[i]][i * per + q]);
      }
    }
    return { df, dg, m: k };
  });
}

function normOf(v: ArrayLike<number>, from: number, len: number, norm: AttackNorm | 'l1'): number {
  let s = 0;
  for (let i = from; i < from + len; i++) s = norm === 'linf' ? Math.max(s, Math.abs(v[i])) : norm === 'l1' ? s + Math.abs(v[i]) : s + v[i] * v[i];
  return norm === 'l2' ? Math.sqrt(s) : s;
}

/** fab_base's attack_single_run on the rows `xs` (all classified correctly): smallest adversarial point and its distance. */
async function fabRun(
  classifier: Classifier,
  xs: Float32Array,
  rows: Int32Array,
  p: Prepared,
  shape: readonly number[],
  cfg: Cfg,
  randomStart: boolean,
  targets: Int32Array | undefined,
): Promise<{ adv: Float32Array; dist: Float64Array }> {
  const n = rows.length;
  const per = xs.length / n;
  const la = Int32Array.from(rows, (r) => p.labels[r]);
  const x1 = randomStart ? fabStart(xs, n, per, cfg, p.rng) : Float32Array.from(xs);
  const adv = Float32Array.from(xs);
  const dist = new Float64Array(n).fill(1e10);
  const tshape: [number, number, number, number] = [n, shape[1], shape[2], shape[3]];
  for (let it = 0; it < cfg.steps; it++) {
    const input = tf.tensor4d(x1, tshape);
    let lin: ReturnType<typeof linearise>;
    try {
      lin = linearise(classifier, input, la, targets);
    } finally {
      input.dispose();
    }
    for (let i = 0; i < n; i++) fabStep(x1, xs, i, per, lin, cfg);
    const pred = await logitsOf(classifier, x1, n, shape, p);
    const k = pred.length / n;
    for (let i = 0; i < n; i++) {
      if (argmax(pred, i, k) === la[i]) continue;
      const diff = Float32Array.from({ length: per }, (_, q) => x1[i * per + q] - xs[i * per + q]);
      const t = Math.fround(normOf(diff, 0, per, cfg.norm));
      if (t < dist[i]) {
        adv.set(x1.subarray(i * per, (i + 1) * per), i * per);
        dist[i] = t;
      }
      for (let q = i * per; q < (i + 1) * per; q++) x1[q] = xs[q] + (x1[q] - xs[q]) * cfg.beta;
    }
  }
  return { adv, dist };
}

/** Random start of restarts after the first: ε/2 times a direction normalised in the threat model's norm. */
function fabStart(xs: Float32Array, n: number, per: number, cfg: Cfg, rng: Rng): Float32Array {
  const t = Float64Array.from({ length: xs.length }, () => (cfg.norm === 'linf' ? 2 * rng.uniform() - 1 : rng.normal()));
  const out = new Float32Array(xs.length);
  for (let i = 0; i < n; i++) {
    const size = normOf(t, i * per, per, cfg.norm);
    for (let q = i * per; q < (i + 1) * per; q++) out[q] = Math.min(Math.max(xs[q] + ((cfg.eps * t[q]) / size) * 0.5, 0), 1);
  }
  return out;
}

/** One FAB update of row i of x1 in place (fab_base's loop body before the adversarial check). */
function fabStep(x1: Float32Array, x0: Float32Array, i: number, per: number, lin: { df: Float32Array; dg: Float32Array; m: number }, cfg: Cfg): void {
  const { df, dg, m } = lin;
  let best = 0;
  let bestDist = Infinity;
  for (let j = 0; j < m; j++) {
    const g = normOf(dg, (i * m + j) * per, per, cfg.norm === 'linf' ? 'l1' : 'l2');
    const dj = Math.abs(df[i * m + j]) / (1e-12 + g);
    if (dj < bestDist) {
      bestDist = dj;
      best = j;
    }
  }
  const wv = Float64Array.from(dg.subarray((i * m + best) * per, (i * m + best + 1) * per));
  const xi = Float64Array.from(x1.subarray(i * per, (i + 1) * per));
  const x0i = Float64Array.from(x0.subarray(i * per, (i + 1) * per));
  let b = -df[i * m + best];
  for (let q = 0; q < per; q++) b += wv[q] * xi[q];
  const project = cfg.norm === 'linf' ? projectionLinf : projectionL2;
  const d1 = project(xi, wv, b);
  const d2 = project(x0i, wv, b);
  const a1 = Math.max(normOf(d1, 0, per, cfg.norm), 1e-8);
  const a2 = Math.max(normOf(d2, 0, per, cfg.norm), 1e-8);
  const alpha = Math.min(Math.max(a1 / (a1 + a2), 0), cfg.alphaMax);
  for (let q = 0; q < per; q++) {
    const v = (xi[q] + cfg.eta * d1[q]) * (1 - alpha) + (x0i[q] + d2[q] * cfg.eta) * alpha;
    x1[i * per + q] = Math.min(Math.max(v, 0), 1);
  }
}
