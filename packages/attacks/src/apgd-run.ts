import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { withTensorScope, type Classifier, type Rng } from '@cnn/core';
import { argmaxHost, hostLossGradient, lossGradient, readsAreCheap } from './loss-gradient.js';
import { perExampleLoss } from './losses.js';
import { classTensor, successOf, type Prepared } from './prepare.js';
import { selectRows } from './perturbation.js';
import type { AttackNorm, EotOptions } from './types.js';

export interface ApgdRunConfig {
  norm: AttackNorm;
  eps: number;
  steps: number;
  rho: number;
  init?: Tensor4D;
  /** 'ce' and 'dlr' ascend the loss of the label; 'dlr-targeted' the targeted DLR towards `targets`. */
  loss: 'ce' | 'dlr' | 'dlr-targeted';
  /** Target class per row of x (with 'dlr-targeted'). */
  targets?: Int32Array;
  eot?: EotOptions;
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

/**
 * The reference's L∞ projection, clamp(min(max(y, x − ε), x + ε), low, high), as one clamp to the
 * intersection [max(x − ε, low), min(x + ε, high)] of the two intervals ({@link linfBox}, made once
 * per run): the same values (comparisons only), two ops instead of five.
 */
function projectLinfApgd(y: tf.Tensor, box: { lower: tf.Tensor; upper: tf.Tensor }): Tensor4D {
  return tf.minimum(tf.maximum(y, box.lower), box.upper) as Tensor4D;
}

/** The bounds of {@link projectLinfApgd} for the clean images x (x lies in [low, high], so lower ≤ upper). */
function linfBox(x: Tensor4D, eps: number, low: number, high: number): { lower: tf.Tensor; upper: tf.Tensor } {
  return tf.tidy(() => ({ lower: tf.maximum(tf.sub(x, eps), low), upper: tf.minimum(tf.add(x, eps), high) }));
}

/**
 * One APGD run (autopgd_base's `attack_single_run`) on the rows `rows` (`x` holds exactly those).
 * Success is always untargeted (the top-1 is not the label), also with the targeted DLR loss, as
 * in the reference's APGD-T.
 */
export async function apgdRun(classifier: Classifier, x: Tensor4D, rows: Int32Array, p: Prepared, c: ApgdRunConfig): Promise<ApgdRun> {
  const n = rows.length;
  const { norm, eps, steps } = c;
  const nIter2 = Math.max(Math.floor(0.22 * steps), 1);
  const nIterMin = Math.max(Math.floor(0.06 * steps), 1);
  const sizeDecr = Math.max(Math.floor(0.03 * steps), 1);
  return withTensorScope(async (scope) => {
    const targeted = c.loss === 'dlr-targeted';
    const labels = scope.track(classTensor(p.labels, rows));
    const classes = targeted ? scope.track(tf.tensor1d(c.targets as Int32Array, 'int32')) : labels;
    const eot = c.eot ? { ...c.eot, rng: p.rng } : undefined;
    const box = norm === 'linf' ? linfBox(x, eps, p.low, p.high) : undefined;
    if (box) scope.trackAll([box.lower, box.upper]);
    const check = (z: tf.Tensor2D): void => p.checkLogits(z, n);
    const onHost = readsAreCheap();
    const labelsHost = Int32Array.from(rows, (r) => p.labels[r]);
    const grade = async (xAdv: Tensor4D): Promise<{ grad: Tensor4D; loss: Float32Array; pred: Int32Array }> => {
      if (onHost) {
        const classesHost = targeted ? (c.targets as Int32Array) : labelsHost;
        const { grad, logits, host } = hostLossGradient(p.fn, classifier, xAdv, classesHost, labelsHost, c.loss, targeted, check, eot);
        logits.dispose();
        return { grad: scope.track(grad), loss: host.loss, pred: host.pred };
      }
      const { grad, logits } = lossGradient(p.fn, classifier, xAdv, classes, c.loss, targeted, 1, check, { labels, eot });
      scope.trackAll([grad, logits]);
      const lossT = scope.track(perExampleLoss(logits, classes, c.loss, targeted, labels) as Tensor1D);
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
    const kept = box ? [box.lower, box.upper] : [];
    const collect = (): void => scope.collect([labels, classes, xAdv, xBest, xBestAdv, grad, gradBest, xAdvOld, ...kept]);

    for (let i = 0; i < steps; i++) {
      const a = i > 0 ? 0.75 : 1.0;
      const step = scope.track(tf.tensor4d(stepSize, [n, 1, 1, 1]));
      const next = scope.track(
        tf.tidy(() => {
          const grad2 = tf.sub(xAdv, xAdvOld);
          if (box) {
            const z = projectLinfApgd(tf.add(xAdv, tf.mul(step, tf.sign(grad))), box);
            return projectLinfApgd(tf.add(tf.add(xAdv, tf.mul(tf.sub(z, xAdv), a)), tf.mul(grad2, 1 - a)), box);
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
