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
      const found = await fabRun(classifier, xs, rows, p, images.shape, k, cfg, r > 0, targets);
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

interface Linearised {
  /** Per row and candidate class j: f_j − f_y (1e10 for j = y). */
  df: Float32Array;
  /** Their input gradients, row-major `[rows, m, elements]`. */
  dg: Float32Array;
  /** Candidate classes per row: 1 targeted, every class untargeted. */
  m: number;
}

/** One forward and backward pass: the logits at x and the input gradient of Σ logits·direction. */
function logitsAndGradient(classifier: Classifier, x: Tensor4D, direction: (z: tf.Tensor2D) => tf.Tensor): { z: Float32Array; g: Float32Array } {
  let logits: tf.Tensor2D | undefined;
  const grad = tf.tidy(() =>
    tf.grad((xi: tf.Tensor) => {
      logits = tf.keep(classifier(xi as Tensor4D));
      return tf.sum(tf.mul(logits, direction(logits)));
    })(x),
  );
  // Read outside tf.tidy: returning typed arrays from it makes tidy walk every element.
  const z = logits?.dataSync() as Float32Array;
  const g = grad.dataSync() as Float32Array;
  tf.dispose([grad, logits as tf.Tensor2D]);
  return { z, g };
}

/**
 * fab_pt's get_diff_logits_grads_batch_targeted: per row f_t − f_y and its input gradient, from one
 * pass with the constant `direction` (+1 at t, −1 at y per row).
 */
function lineariseTargeted(classifier: Classifier, x1: Tensor4D, la: Int32Array, targets: Int32Array, direction: tf.Tensor2D): Linearised {
  const { z, g } = logitsAndGradient(classifier, x1, () => direction);
  const k = direction.shape[1];
  const df = Float32Array.from(la, (y, i) => z[i * k + targets[i]] - z[i * k + y]);
  return { df, dg: g, m: 1 };
}

/** fab_pt's get_diff_logits_grads_batch: every f_j − f_y and its gradient (one backward pass per class). */
function lineariseAll(classifier: Classifier, x1: Tensor4D, la: Int32Array): Linearised {
  const n = x1.shape[0];
  const per = x1.size / n;
  // pass j: the logits and the input gradient of Σ logits[:, j]; the first pass's logits serve all
  const pass = (j: number) => logitsAndGradient(classifier, x1, (logits) => tf.oneHot(tf.fill([n], j, 'int32') as tf.Tensor1D, logits.shape[1]));
  const first = pass(0);
  const z = first.z;
  const k = z.length / n;
  const grads = [first.g, ...Array.from({ length: k - 1 }, (_, j) => pass(j + 1).g)];
  const df = new Float32Array(n * k);
  const dg = new Float32Array(n * k * per);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      df[i * k + j] = j === la[i] ? 1e10 : Math.fround(z[i * k + j] - z[i * k + la[i]]);
      for (let q = 0; q < per; q++) dg[(i * k + j) * per + q] = Math.fround(grads[j][i * per + q] - grads[la[i]][i * per + q]);
    }
  }
  return { df, dg, m: k };
}

/** The constant of lineariseTargeted: +1 at the target, −1 at the label, per row. */
function targetDirection(la: Int32Array, targets: Int32Array, k: number): tf.Tensor2D {
  const d = new Float32Array(la.length * k);
  la.forEach((y, i) => {
    d[i * k + targets[i]] += 1;
    d[i * k + y] -= 1;
  });
  return tf.tensor2d(d, [la.length, k]);
}

function normOf(v: ArrayLike<number>, from: number, len: number, norm: AttackNorm | 'l1'): number {
  let s = 0;
  for (let i = from; i < from + len; i++) s = norm === 'linf' ? Math.max(s, Math.abs(v[i])) : norm === 'l1' ? s + Math.abs(v[i]) : s + v[i] * v[i];
  return norm === 'l2' ? Math.sqrt(s) : s;
}

/** One run's rows: clean points x0, iterate x1, best adversarial points and their distances. */
interface FabRows {
  x0: Float32Array;
  x1: Float32Array;
  labels: Int32Array;
  adv: Float32Array;
  dist: Float64Array;
  shape: [number, number, number, number];
  /** FAB-T: target class per row and the matching lineariseTargeted direction. */
  targets?: { classes: Int32Array; direction: tf.Tensor2D };
}

/** fab_base's attack_single_run on the rows `xs` (all classified correctly): smallest adversarial point and its distance. */
async function fabRun(
  classifier: Classifier,
  xs: Float32Array,
  rows: Int32Array,
  p: Prepared,
  shape: readonly number[],
  k: number,
  cfg: Cfg,
  randomStart: boolean,
  targets: Int32Array | undefined,
): Promise<{ adv: Float32Array; dist: Float64Array }> {
  const n = rows.length;
  const labels = Int32Array.from(rows, (r) => p.labels[r]);
  const run: FabRows = {
    x0: xs,
    x1: randomStart ? fabStart(xs, n, xs.length / n, cfg, p.rng) : Float32Array.from(xs),
    labels,
    adv: Float32Array.from(xs),
    dist: new Float64Array(n).fill(1e10),
    shape: [n, shape[1], shape[2], shape[3]],
    targets: targets && { classes: targets, direction: targetDirection(labels, targets, k) },
  };
  try {
    for (let it = 0; it < cfg.steps; it++) await fabIteration(classifier, run, p, cfg);
  } finally {
    run.targets?.direction.dispose();
  }
  return { adv: run.adv, dist: run.dist };
}

/** fab_base's loop body: one FAB step of every row of x1 in place, then the adversarial check. */
async function fabIteration(classifier: Classifier, run: FabRows, p: Prepared, cfg: Cfg): Promise<void> {
  const { x0, x1, labels, adv, dist, shape, targets } = run;
  const n = labels.length;
  const per = x0.length / n;
  const input = tf.tensor4d(x1, shape);
  let lin: Linearised;
  try {
    lin = targets ? lineariseTargeted(classifier, input, labels, targets.classes, targets.direction) : lineariseAll(classifier, input, labels);
  } finally {
    input.dispose();
  }
  for (let i = 0; i < n; i++) fabStep(x1, x0, i, per, lin, cfg);
  const pred = await logitsOf(classifier, x1, n, shape, p);
  const k = pred.length / n;
  for (let i = 0; i < n; i++) {
    if (argmax(pred, i, k) === labels[i]) continue;
    const diff = new Float32Array(per);
    for (let q = 0; q < per; q++) diff[q] = x1[i * per + q] - x0[i * per + q];
    const t = Math.fround(normOf(diff, 0, per, cfg.norm));
    if (t < dist[i]) {
      adv.set(x1.subarray(i * per, (i + 1) * per), i * per);
      dist[i] = t;
    }
    for (let q = i * per; q < (i + 1) * per; q++) x1[q] = x0[q] + (x1[q] - x0[q]) * cfg.beta;
  }
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
  const wv = new Float64Array(dg.subarray((i * m + best) * per, (i * m + best + 1) * per));
  const xi = new Float64Array(x1.subarray(i * per, (i + 1) * per));
  const x0i = new Float64Array(x0.subarray(i * per, (i + 1) * per));
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
