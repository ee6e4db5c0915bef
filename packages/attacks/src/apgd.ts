import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { withTensorScope, type Classifier, type Rng } from '@cnn/core';
import { ensureGradients } from '@cnn/core/gradients';
import { argmaxHost, lossGradient } from './loss-gradient.js';
import { perExampleLoss } from './losses.js';
import { classTensor, prepare, successOf, type Prepared } from './prepare.js';
import { range, replaceRows, takeRows } from './rows.js';
import { selectRows } from './perturbation.js';
import { checkCount, checkInitialDelta, checkNonNegative, checkRho, checkWithinBounds } from './validate.js';
import type { AttackNorm, AttackResult, CommonAttackOptions, LabelsInput } from './types.js';

export interface ApgdOptions extends CommonAttackOptions {
  /** Threat model; default `'linf'`. */
  norm?: AttackNorm;
  /** Radius of the ball in pixel units. */
  eps: number;
  /** Iterations per run; default 100 (AutoAttack's standard). */
  steps?: number;
  /** Runs from fresh random starts, each attacking only the examples still robust; default 1. */
  restarts?: number;
  /** Step-size halving threshold ρ: halve when the loss rose in ≤ ρ·k of the last k steps; default 0.75. */
  rho?: number;
  /** Start perturbation instead of the random one (images' shape; first run only). For reproducing a reference. */
  initialDelta?: Tensor4D;
}

/**
 * Auto-PGD with cross-entropy (Croce & Hein 2020), the step-size-free attack at the core of
 * AutoAttack, for L∞ and L2. Follows the reference `autopgd_base.py` (APGDAttack, loss 'ce'):
 * start at ε times a normalised random direction, step size 2ε, momentum 0.75 (none on the first
 * step), checkpoints after ⌊0.22·N⌋ iterations and then ever shorter periods (−⌊0.03·N⌋, at least
 * ⌊0.06·N⌋; each at least 1) where the step size of an example is halved and it restarts from its
 * best point if its loss rose in at most ρ·k of the last k steps, or if it was not halved at the
 * last checkpoint and its best loss did not improve since.
 *
 * Only examples the classifier gets right are attacked (as AutoAttack does). Returned per example:
 * the clean image if it is misclassified already, the fooling iterate if the attack succeeded, and
 * otherwise the point of highest loss found (AutoAttack returns the clean image there). `success` is
 * measured on the returned images. Inputs are neither modified nor disposed; the caller disposes
 * `adversarial`. Randomness comes from `seed`/`rng` on the host.
 */
export async function apgd(classifier: Classifier, images: Tensor4D, labels: LabelsInput, options: ApgdOptions): Promise<AttackResult> {
  const fn = 'apgd';
  ensureGradients();
  const norm = options?.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`${fn}: norm must be 'linf' or 'l2', got ${String(norm)}`);
  const eps = checkNonNegative(fn, 'eps', options?.eps);
  const steps = checkCount(fn, 'steps', options.steps ?? 100, 1);
  const restarts = checkCount(fn, 'restarts', options.restarts ?? 1, 1);
  const rho = checkRho(fn, options.rho ?? 0.75);
  checkInitialDelta(fn, options.initialDelta, images);
  if ((options as { targets?: unknown }).targets !== undefined) throw new Error(`${fn}: only the untargeted cross-entropy version is implemented; use pgd for targeted attacks`);
  const p = await prepare(fn, images, labels, options);
  checkWithinBounds(fn, 'eps', eps, norm, p.low, p.high, images);

  const clean = tf.tidy(() => {
    const z = classifier(images);
    p.checkLogits(z, p.batch);
    return z;
  });
  const robust = successOf(await argmaxHost(clean), p).map((s) => !s);
  clean.dispose();
  const bestLoss = new Float32Array(p.batch).fill(-Infinity);
  return withTensorScope(async (scope) => {
    let out = scope.track(tf.clone(images));
    for (let r = 0; r < restarts; r++) {
      const rows = range(p.batch).filter((i) => robust[i]);
      if (rows.length === 0) break;
      const x = takeRows(images, rows);
      if (x !== images) scope.track(x);
      const init = r === 0 && options.initialDelta ? takeRows(options.initialDelta, rows) : undefined;
      if (init && init !== options.initialDelta) scope.track(init);
      const run = await apgdRun(classifier, x, rows, p, { norm, eps, steps, rho, init });
      scope.trackAll([run.xBestAdv, run.xBest]);
      // Fooled rows take their fooling iterate; robust rows the highest-loss point so far.
      const replace = Array.from(rows, (row, j) => run.fooled[j] || run.lossBest[j] > bestLoss[row]);
      const chosen = scope.track(selectRows(run.fooled, run.xBestAdv, run.xBest));
      out = scope.track(replaceRows(out, rows, chosen, replace));
      rows.forEach((row, j) => {
        if (run.fooled[j]) robust[row] = false;
        else if (run.lossBest[j] > bestLoss[row]) bestLoss[row] = run.lossBest[j];
      });
      scope.collect([out]);
    }
    if (options.measureSuccess === false) return { adversarial: scope.keep(out), success: [] };
    const z = scope.track(tf.tidy(() => classifier(out)));
    const success = successOf(await argmaxHost(z), p);
    return { adversarial: scope.keep(out), success };
  });
}

interface RunConfig {
  norm: AttackNorm;
  eps: number;
  steps: number;
  rho: number;
  init?: Tensor4D;
}

export interface ApgdRun {
  /** Highest-loss point per example. */
  xBest: Tensor4D;
  /** Last iterate that fooled the classifier (the start point where none did). */
  xBestAdv: Tensor4D;
  fooled: boolean[];
  lossBest: Float32Array;
}

/** Random start: ε times a direction normalised per example (L∞: max-abs of U[−1, 1); L2: ‖N(0, I)‖₂). */
function apgdStart(shape: readonly number[], norm: AttackNorm, eps: number, rng: Rng): Tensor4D {
  const per = shape[1] * shape[2] * shape[3];
  const out = new Float32Array(shape[0] * per);
  for (let i = 0; i < out.length; i++) out[i] = norm === 'linf' ? 2 * rng.uniform() - 1 : rng.normal();
  for (let b = 0; b < shape[0]; b++) {
    let t = 0;
    for (let j = 0; j < per; j++) {
      const v = out[b * per + j];
      t = norm === 'linf' ? Math.max(t, Math.abs(v)) : t + v * v;
    }
    const scale = eps / ((norm === 'linf' ? t : Math.sqrt(t)) + 1e-12);
    for (let j = 0; j < per; j++) out[b * per + j] *= scale;
  }
  return tf.tensor4d(out, shape as [number, number, number, number]);
}

/** autopgd_base's `normalize` for L2: x / (‖x‖₂ + 1e-12) per example. */
function unitL2(t: tf.Tensor): tf.Tensor {
  return tf.div(t, tf.add(tf.sqrt(tf.sum(tf.square(t), [1, 2, 3], true)), 1e-12));
}

/** x + normalize(d)·min(ε, ‖d‖₂), clipped: the reference's L2 projection of x + d. */
function projectL2Apgd(x: Tensor4D, d: tf.Tensor, eps: number, low: number, high: number): Tensor4D {
  const n = tf.sqrt(tf.sum(tf.square(d), [1, 2, 3], true));
  return tf.clipByValue(tf.add(x, tf.mul(unitL2(d), tf.minimum(eps, n))), low, high) as Tensor4D;
}

function projectLinfApgd(x: Tensor4D, y: tf.Tensor, eps: number, low: number, high: number): Tensor4D {
  return tf.clipByValue(tf.minimum(tf.maximum(y, tf.sub(x, eps)), tf.add(x, eps)), low, high) as Tensor4D;
}

/** One APGD-CE run (autopgd_base's `attack_single_run`) on the rows `rows` (`x` holds exactly those). */
export async function apgdRun(classifier: Classifier, x: Tensor4D, rows: Int32Array, p: Prepared, c: RunConfig): Promise<ApgdRun> {
  const n = rows.length;
  const { norm, eps, steps } = c;
  const nIter2 = Math.max(Math.floor(0.22 * steps), 1);
  const nIterMin = Math.max(Math.floor(0.06 * steps), 1);
  const sizeDecr = Math.max(Math.floor(0.03 * steps), 1);
  return withTensorScope(async (scope) => {
    const classes = scope.track(classTensor(p.classes, rows));
    const grade = async (xAdv: Tensor4D): Promise<{ grad: Tensor4D; loss: Float32Array; pred: Int32Array }> => {
      const { grad, logits } = lossGradient(p.fn, classifier, xAdv, classes, 'ce', false, 1, (z) => p.checkLogits(z, n));
      scope.trackAll([grad, logits]);
      const lossT = scope.track(perExampleLoss(logits, classes, 'ce', false) as Tensor1D);
      const [loss, pred] = await Promise.all([lossT.data() as Promise<Float32Array>, argmaxHost(logits)]);
      scope.release(lossT);
      scope.release(logits);
      return { grad, loss, pred };
    };

    let xAdv = scope.track(
      tf.tidy(() => tf.clipByValue(tf.add(x, c.init ?? apgdStart(x.shape, norm, eps, p.rng)), p.low, p.high) as Tensor4D),
    );
    let xBest = xAdv;
    let xBestAdv = xAdv;
    let { grad, loss, pred } = await grade(xAdv);
    let gradBest = grad;
    const fooled = successOf(pred, p, rows);
    const lossBest = Float32Array.from(loss);
    const stepSize = new Float32Array(n).fill(Math.fround(2 * eps));
    let xAdvOld = xAdv;
    let counter3 = 0;
    let k = nIter2;
    // loss_steps[i] for i < steps; the reference indexes loss_steps[-1] (its last, still zero row)
    // when checking the first window, so unwritten rows read 0 here too.
    const lossSteps = new Float32Array(steps * n);
    let lossBestLastCheck = Float32Array.from(lossBest);
    let reducedLastCheck: boolean[] = new Array(n).fill(true);

    // Several names may point at one tensor: after each step the scope frees what none keeps.
    const collect = (): void => scope.collect([classes, xAdv, xBest, xBestAdv, grad, gradBest, xAdvOld]);

    for (let i = 0; i < steps; i++) {
      const a = i > 0 ? 0.75 : 1.0;
      const step = scope.track(tf.tensor4d(stepSize, [n, 1, 1, 1]));
      const next = scope.track(
        tf.tidy(() => {
          const grad2 = tf.sub(xAdv, xAdvOld);
          if (norm === 'linf') {
            const z = projectLinfApgd(x, tf.add(xAdv, tf.mul(step, tf.sign(grad))), eps, p.low, p.high);
            return projectLinfApgd(x, tf.add(tf.add(xAdv, tf.mul(tf.sub(z, xAdv), a)), tf.mul(grad2, 1 - a)), eps, p.low, p.high);
          }
          const z0 = tf.add(xAdv, tf.mul(step, unitL2(grad)));
          const z = projectL2Apgd(x, tf.sub(z0, x), eps, p.low, p.high);
          const y = tf.add(tf.add(xAdv, tf.mul(tf.sub(z, xAdv), a)), tf.mul(grad2, 1 - a));
          return projectL2Apgd(x, tf.sub(y, x), eps, p.low, p.high);
        }),
      );
      scope.release(step);
      xAdvOld = xAdv;
      xAdv = next;
      ({ grad, loss, pred } = await grade(xAdv));

      const wrong = successOf(pred, p, rows);
      for (let j = 0; j < n; j++) if (wrong[j]) fooled[j] = true;
      if (wrong.some(Boolean)) xBestAdv = scope.track(selectRows(wrong, xAdv, xBestAdv));
      lossSteps.set(loss, i * n);
      const improved = Array.from(loss, (v, j) => v > lossBest[j]);
      if (improved.some(Boolean)) {
        xBest = scope.track(selectRows(improved, xAdv, xBest));
        gradBest = scope.track(selectRows(improved, grad, gradBest));
        improved.forEach((imp, j) => imp && (lossBest[j] = loss[j]));
      }

      counter3++;
      if (counter3 === k) {
        const reduce: boolean[] = new Array(n);
        for (let j = 0; j < n; j++) {
          let rises = 0;
          for (let c5 = 0; c5 < k; c5++) {
            const cur = i - c5;
            const prev = (((i - c5 - 1) % steps) + steps) % steps; // Python's negative indexing
            if (lossSteps[cur * n + j] > lossSteps[prev * n + j]) rises++;
          }
          const oscillation = rises <= k * c.rho;
          const noImprovement = !reducedLastCheck[j] && lossBestLastCheck[j] >= lossBest[j];
          reduce[j] = oscillation || noImprovement;
        }
        reducedLastCheck = reduce;
        lossBestLastCheck = Float32Array.from(lossBest);
        if (reduce.some(Boolean)) {
          reduce.forEach((red, j) => red && (stepSize[j] /= 2));
          xAdv = scope.track(selectRows(reduce, xBest, xAdv));
          grad = scope.track(selectRows(reduce, gradBest, grad));
        }
        k = Math.max(k - sizeDecr, nIterMin);
        counter3 = 0;
      }
      collect();
    }
    // Hand over xBest and xBestAdv as fresh tensors (they may be one tensor); the scope frees the rest.
    return { xBest: tf.clone(xBest), xBestAdv: tf.clone(xBestAdv), fooled, lossBest };
  });
}
