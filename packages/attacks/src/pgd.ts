import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { withTensorScope, type Classifier } from '@cnn/core';
import { ensureGradients } from '@cnn/core/gradients';
import { argmaxHost, lossGradient } from './loss-gradient.js';
import { ATTACK_LOSSES, perExampleLoss } from './losses.js';
import { normalizeL2, projectL2, projectLinf, selectRows, uniformL2Delta, uniformLinfDelta } from './perturbation.js';
import { classTensor, prepare, successOf, type Prepared } from './prepare.js';
import { range, replaceRows, takeRows } from './rows.js';
import { checkCount, checkEot, checkInitialDelta, checkNonNegative, checkWithinBounds } from './validate.js';
import type { AttackLoss, AttackNorm, AttackResult, CommonAttackOptions, EotOptions, LabelsInput } from './types.js';

export interface PgdOptions extends CommonAttackOptions {
  /** Threat model; default `'linf'` (torchattacks `PGD`); `'l2'` is torchattacks `PGDL2`. */
  norm?: AttackNorm;
  /** Radius of the ball in pixel units (L∞: per pixel, e.g. 8/255; L2: over the whole image, e.g. 0.5). */
  eps: number;
  /** Step size in pixel units; default ε/4 for L∞ and ε/5 for L2 (torchattacks' defaults 2/255 at 8/255, 0.2 at 1.0). */
  stepSize?: number;
  /** Number of gradient steps; default 10. */
  steps?: number;
  /** Start from a random point of the ball (uniform per pixel for L∞, torchattacks' radial draw for L2); default true. */
  randomStart?: boolean;
  /**
   * Independent runs; per example the worst case is kept: a successful run beats an unsuccessful
   * one, otherwise the higher final loss wins. Default 1. Needs `randomStart` when > 1.
   */
  restarts?: number;
  /** Target class per image: the attack becomes targeted (success = top-1 is the target). */
  targets?: LabelsInput;
  /**
   * `'ce'` (mean cross-entropy, default), `'margin'` (Carlini–Wagner margin on logits), `'dlr'`
   * (untargeted DLR) or `'dlr-targeted'` (with `targets`); see {@link perExampleLoss}.
   */
  loss?: AttackLoss;
  /** Expectation over transformation: average each gradient over `samples` passes (randomised models). */
  eot?: EotOptions;
  /**
   * Stop updating an example as soon as an iterate fools the classifier (it keeps that iterate),
   * and stop altogether once every example is fooled. Examples never fooled get exactly the same
   * iterates as without early stop, on every backend (the whole batch is still differentiated at
   * each step, because some kernels round differently for other batch sizes), so the only change
   * is that fooled examples keep their first fooling iterate instead of the last one: `success`
   * is "fooled at some iterate". Default false.
   */
  earlyStop?: boolean;
  /**
   * Start perturbation to use instead of a random draw (same shape as images; clipped into
   * bounds as the random start is). Lets a reference run with a known start be reproduced.
   * Only with `restarts` = 1.
   */
  initialDelta?: Tensor4D;
}

interface RunResult {
  adv: Tensor4D;
  success: boolean[];
  loss: Float32Array;
}

/**
 * Projected gradient descent (Madry et al. 2018), as torchattacks 3.5's `PGD` (`norm: 'linf'`) and
 * `PGDL2` (`norm: 'l2'`) when configured alike:
 *
 * - L∞ step `x' = x_t + α·sign(g)` (sign(0) = 0), then `δ = clip(x' − x, −ε, ε)`, `x_{t+1} = clip(x + δ, low, high)`.
 * - L2 step `x' = x_t + α·g/(‖g‖₂ + 1e-10)` per example, then `δ ·= min(1, ε/‖δ‖₂)`, clip to bounds.
 * - g is the gradient of the batch mean of the loss (sign and L2 direction do not depend on the
 *   1/N, so rows are independent).
 * - The last iterate is returned (unless `earlyStop` / `restarts` pick another per example).
 *
 * Random starts come from `seed` (default 0) or `rng`, drawn on the host: same seed, same start on
 * every backend. Inputs are neither modified nor disposed; the caller disposes `adversarial`.
 */
export async function pgd(classifier: Classifier, images: Tensor4D, labels: LabelsInput, options: PgdOptions): Promise<AttackResult> {
  const fn = 'pgd';
  ensureGradients();
  const norm = options?.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`${fn}: norm must be 'linf' or 'l2', got ${String(norm)}`);
  const eps = checkNonNegative(fn, 'eps', options?.eps);
  const alpha = checkNonNegative(fn, 'stepSize', options.stepSize ?? (norm === 'linf' ? eps / 4 : eps / 5));
  const steps = checkCount(fn, 'steps', options.steps ?? 10, 0);
  const restarts = checkCount(fn, 'restarts', options.restarts ?? 1, 1);
  const randomStart = options.randomStart ?? true;
  const loss = options.loss ?? 'ce';
  if (!(ATTACK_LOSSES as readonly string[]).includes(loss)) throw new Error(`${fn}: loss must be one of ${ATTACK_LOSSES.join(', ')}, got ${String(loss)}`);
  if (loss === 'dlr' && options.targets !== undefined) throw new Error(`${fn}: loss 'dlr' is untargeted; use 'dlr-targeted' with targets`);
  if (loss === 'dlr-targeted' && options.targets === undefined) throw new Error(`${fn}: loss 'dlr-targeted' needs targets`);
  const eot = checkEot(fn, options.eot);
  const earlyStop = options.earlyStop ?? false;
  checkInitialDelta(fn, options.initialDelta, images);
  if (options.initialDelta && restarts > 1) throw new Error(`${fn}: initialDelta fixes the start, so restarts must be 1 (got ${restarts})`);
  if (restarts > 1 && !randomStart && !options.initialDelta) {
    throw new Error(`${fn}: restarts = ${restarts} without randomStart would repeat the same deterministic run`);
  }
  const p = await prepare(fn, images, labels, options);
  checkWithinBounds(fn, 'eps', eps, norm, p.low, p.high, images);
  if (options.stepSize !== undefined) checkWithinBounds(fn, 'stepSize', alpha, norm, p.low, p.high, images);
  const measure = options.measureSuccess !== false;
  const cfg: RunConfig = { norm, eps, alpha, steps, loss, earlyStop, randomStart, initialDelta: options.initialDelta, final: measure || restarts > 1, eot };

  return withTensorScope(async (scope) => {
    const first = await runOnce(classifier, images, range(p.batch), p, cfg);
    let adv = scope.track(first.adv);
    const { success, loss: bestLoss } = first;
    for (let r = 1; r < restarts; r++) {
      // With early stop, fooled examples are final: only the others are attacked again.
      const rows = earlyStop ? range(p.batch).filter((i) => !success[i]) : range(p.batch);
      if (rows.length === 0) break;
      const x = takeRows(images, rows);
      if (x !== images) scope.track(x);
      const run = await runOnce(classifier, x, rows, p, cfg);
      scope.track(run.adv);
      const replace = Array.from(rows, (row, j) => {
        const ns = run.success[j];
        const os = success[row];
        return (ns && !os) || (ns === os && run.loss[j] > bestLoss[row]);
      });
      adv = scope.track(replaceRows(adv, rows, run.adv, replace));
      rows.forEach((row, j) => {
        if (replace[j]) {
          success[row] = run.success[j];
          bestLoss[row] = run.loss[j];
        }
      });
      scope.collect([adv]);
    }
    return { adversarial: scope.keep(adv), success: measure ? success : [] };
  });
}

interface RunConfig {
  norm: AttackNorm;
  eps: number;
  alpha: number;
  steps: number;
  loss: AttackLoss;
  earlyStop: boolean;
  randomStart: boolean;
  initialDelta?: Tensor4D;
  /** Run the final forward pass (success and loss of the last iterate). */
  final: boolean;
  eot?: EotOptions;
}

/** One PGD run on the rows `rows` of the batch (`x` holds exactly those rows). */
async function runOnce(classifier: Classifier, x: Tensor4D, rows: Int32Array, p: Prepared, c: RunConfig): Promise<RunResult> {
  const n = rows.length;
  return withTensorScope(async (scope) => {
    const classes = scope.track(classTensor(p.classes, rows));
    const labels = scope.track(classTensor(p.labels, rows));
    const extras = { labels, eot: c.eot ? { ...c.eot, rng: p.rng } : undefined };
    let adv: Tensor4D = scope.track(
      tf.tidy(() => {
        if (c.initialDelta) return tf.clipByValue(tf.add(x, c.initialDelta), p.low, p.high) as Tensor4D;
        if (!c.randomStart) return tf.clone(x);
        const delta = c.norm === 'linf' ? uniformLinfDelta(x.shape, c.eps, p.rng) : uniformL2Delta(x.shape, c.eps, p.rng);
        return tf.clipByValue(tf.add(x, delta), p.low, p.high) as Tensor4D;
      }),
    );
    const step = (xs: Tensor4D, a: Tensor4D, g: Tensor4D): Tensor4D =>
      tf.tidy(() =>
        c.norm === 'linf'
          ? projectLinf(xs, tf.add(a, tf.mul(c.alpha, tf.sign(g))) as Tensor4D, c.eps, p.low, p.high)
          : projectL2(xs, tf.add(a, tf.mul(c.alpha, normalizeL2(g))) as Tensor4D, c.eps, p.low, p.high),
      );
    // Early stop: examples frozen at the first iterate that fooled the classifier.
    const frozen = new Array<boolean>(n).fill(false);
    let nFrozen = 0;
    for (let s = 0; s < c.steps && nFrozen < n; s++) {
      const { grad, logits } = lossGradient(p.fn, classifier, adv, classes, c.loss, p.targeted, p.batch, (z) => p.checkLogits(z, n), extras);
      scope.trackAll([grad, logits]);
      if (c.earlyStop) {
        successOf(await argmaxHost(logits), p, rows).forEach((fooled, i) => {
          if (fooled && !frozen[i]) {
            frozen[i] = true;
            nFrozen++;
          }
        });
      }
      let next = scope.track(step(x, adv, grad));
      // Every row is still computed on the full batch, so the others' iterates are exactly
      // those of a run without early stop (kernels may round differently for other batch sizes).
      if (nFrozen > 0) next = scope.track(selectRows(frozen, adv, next));
      adv = next;
      scope.collect([classes, labels, adv]);
    }
    if (!c.final) return { adv: scope.keep(adv), success: [], loss: new Float32Array(0) };
    const logits = scope.track(
      tf.tidy(() => {
        const z = classifier(adv);
        p.checkLogits(z, n);
        return z;
      }),
    );
    const lossT = scope.track(perExampleLoss(logits, classes, c.loss, p.targeted, labels) as Tensor1D);
    const [pred, lossV] = await Promise.all([argmaxHost(logits), lossT.data() as Promise<Float32Array>]);
    return { adv: scope.keep(adv), success: successOf(pred, p, rows), loss: lossV };
  });
}
