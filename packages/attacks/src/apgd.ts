import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { withTensorScope, type Classifier, type TensorScope } from '@cnn/core';
import { ensureGradients } from '@cnn/core/gradients';
import { apgdRun } from './apgd-run.js';
import { argmaxHost } from './loss-gradient.js';
import { prepare, successOf, type Prepared } from './prepare.js';
import { range, replaceRows, takeRows } from './rows.js';
import { selectRows } from './perturbation.js';
import { checkCount, checkEot, checkInitialDelta, checkNonNegative, checkRho, checkWithinBounds } from './validate.js';
import type { AttackNorm, AttackResult, CommonAttackOptions, EotOptions, LabelsInput } from './types.js';

export interface ApgdOptions extends CommonAttackOptions {
  /** Threat model; default `'linf'`. */
  norm?: AttackNorm;
  /** Radius of the ball in pixel units. */
  eps: number;
  /** Iterations per run; default 100 (AutoAttack's standard). */
  steps?: number;
  /** Runs from fresh random starts (per target class when targeted), each on the examples still robust; default 1. */
  restarts?: number;
  /** Step-size halving threshold ρ: halve when the loss rose in ≤ ρ·k of the last k steps; default 0.75. */
  rho?: number;
  /** Start perturbation instead of the random one (images' shape; first run only). For reproducing a reference. */
  initialDelta?: Tensor4D;
  /** Untargeted loss: `'ce'` (APGD-CE, default) or `'dlr'` (APGD-DLR). Targeted runs always use the targeted DLR. */
  loss?: 'ce' | 'dlr';
  /**
   * APGD-T: for each of the `nTargetClasses` classes with the highest clean logits after the
   * label, one targeted-DLR run (× `restarts`) on the examples still robust. Success stays
   * untargeted (any wrong top-1), as in AutoAttack. Default false.
   */
  targeted?: boolean;
  /** Target classes tried by APGD-T; default 9 (AutoAttack's); must be below the number of classes. */
  nTargetClasses?: number;
  /** Expectation over transformation for randomised models (AutoAttack's 'rand' version: 20 samples). */
  eot?: EotOptions;
}

interface Settings {
  norm: AttackNorm;
  eps: number;
  steps: number;
  restarts: number;
  rho: number;
  loss: 'ce' | 'dlr';
  targeted: boolean;
  nTargetClasses: number;
  eot?: EotOptions;
}

/**
 * Auto-PGD (Croce & Hein 2020), the step-size-free attack at the core of AutoAttack, for L∞ and
 * L2, with the cross-entropy (APGD-CE), DLR (APGD-DLR) or targeted DLR loss (APGD-T, `targeted`).
 * Follows the reference `autopgd_base.py` (APGDAttack, APGDAttack_targeted): start at ε times a
 * normalised random direction, step size 2ε, momentum 0.75 (none on the first step), checkpoints
 * after ⌊0.22·N⌋ iterations and then ever shorter periods (−⌊0.03·N⌋, at least ⌊0.06·N⌋; each at
 * least 1) where the step size of an example is halved and it restarts from its best point if its
 * loss rose in at most ρ·k of the last k steps, or if it was not halved at the last checkpoint and
 * its best loss did not improve since. APGD-T picks its targets per run from the clean logits of the
 * examples still robust (2nd, 3rd, … highest class).
 *
 * Only examples the classifier gets right are attacked (as AutoAttack does). Returned per example:
 * the clean image if it is misclassified already, the fooling iterate if the attack succeeded, and
 * otherwise the point of highest loss found (AutoAttack returns the clean image there). `success` is
 * measured on the returned images. Inputs are neither modified nor disposed; the caller disposes
 * `adversarial`. Randomness comes from `seed`/`rng` on the host.
 */
export async function apgd(classifier: Classifier, images: Tensor4D, labels: LabelsInput, options: ApgdOptions): Promise<AttackResult> {
  const fn = options?.targeted ? 'apgdTargeted' : 'apgd';
  ensureGradients();
  const s = readSettings(fn, options);
  checkInitialDelta(fn, options.initialDelta, images);
  if ((options as { targets?: unknown }).targets !== undefined) {
    throw new Error(`${fn}: takes no targets (APGD-T chooses them from the clean logits: targeted: true, nTargetClasses); use pgd for given targets`);
  }
  const p = await prepare(fn, images, labels, options);
  checkWithinBounds(fn, 'eps', s.eps, s.norm, p.low, p.high, images);

  return withTensorScope(async (scope) => {
    const clean = scope.track(
      tf.tidy(() => {
        const z = classifier(images);
        p.checkLogits(z, p.batch);
        return z;
      }),
    );
    const classes = clean.shape[1];
    if (s.loss === 'dlr' && classes < 3) throw new Error(`${fn}: the DLR loss needs at least 3 classes, the classifier has ${classes}`);
    if (s.targeted && classes < 4) throw new Error(`${fn}: the targeted DLR loss needs at least 4 classes, the classifier has ${classes}`);
    if (s.targeted && s.nTargetClasses >= classes) {
      throw new RangeError(`${fn}: nTargetClasses = ${s.nTargetClasses} must be below the number of classes (${classes}): there are only ${classes - 1} other classes`);
    }
    const robust = successOf(await argmaxHost(clean), p).map((fooled) => !fooled);
    scope.release(clean);
    const state: DriverState = { out: scope.track(tf.clone(images)), robust, bestLoss: new Float32Array(p.batch).fill(-Infinity), first: true };
    const rounds = s.targeted ? s.nTargetClasses : 1;
    for (let t = 0; t < rounds; t++) {
      for (let r = 0; r < s.restarts; r++) await runOnRobust(classifier, images, p, s, options, t, state, scope);
    }
    const out = state.out;
    if (options.measureSuccess === false) return { adversarial: scope.keep(out), success: [] };
    const z = scope.track(tf.tidy(() => classifier(out)));
    const success = successOf(await argmaxHost(z), p);
    return { adversarial: scope.keep(out), success };
  });
}

/** APGD-T: {@link apgd} with `targeted: true` (AutoAttack's 'apgd-t'). */
export function apgdTargeted(classifier: Classifier, images: Tensor4D, labels: LabelsInput, options: Omit<ApgdOptions, 'targeted' | 'loss'>): Promise<AttackResult> {
  return apgd(classifier, images, labels, { ...options, targeted: true });
}

function readSettings(fn: string, options: ApgdOptions): Settings {
  const norm = options?.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`${fn}: norm must be 'linf' or 'l2', got ${String(norm)}`);
  const eps = checkNonNegative(fn, 'eps', options?.eps);
  const targeted = options.targeted ?? false;
  if (typeof targeted !== 'boolean') throw new TypeError(`${fn}: targeted must be a boolean, got ${String(targeted)}`);
  const loss = options.loss ?? 'ce';
  if (targeted && options.loss !== undefined) throw new Error(`${fn}: APGD-T always uses the targeted DLR loss; leave loss out (got '${String(loss)}')`);
  if (loss !== 'ce' && loss !== 'dlr') throw new Error(`${fn}: loss must be 'ce' or 'dlr', got ${String(loss)}`);
  if (!targeted && options.nTargetClasses !== undefined) throw new Error(`${fn}: nTargetClasses is for the targeted version (targeted: true)`);
  return {
    norm,
    eps,
    steps: checkCount(fn, 'steps', options.steps ?? 100, 1),
    restarts: checkCount(fn, 'restarts', options.restarts ?? 1, 1),
    rho: checkRho(fn, options.rho ?? 0.75),
    loss,
    targeted,
    nTargetClasses: checkCount(fn, 'nTargetClasses', options.nTargetClasses ?? 9, 1),
    eot: checkEot(fn, options.eot),
  };
}

interface DriverState {
  out: Tensor4D;
  robust: boolean[];
  bestLoss: Float32Array;
  /** The next run is the first (it takes initialDelta). */
  first: boolean;
}

/** One run on the examples still robust; merges its result into `state`. */
async function runOnRobust(
  classifier: Classifier,
  images: Tensor4D,
  p: Prepared,
  s: Settings,
  options: ApgdOptions,
  targetIndex: number,
  state: DriverState,
  scope: TensorScope,
): Promise<void> {
  const rows = range(p.batch).filter((i) => state.robust[i]);
  if (rows.length === 0) return;
  const x = takeRows(images, rows);
  if (x !== images) scope.track(x);
  const init = state.first && options.initialDelta ? takeRows(options.initialDelta, rows) : undefined;
  if (init && init !== options.initialDelta) scope.track(init);
  state.first = false;
  const targets = s.targeted ? await rankedClass(classifier, x, targetIndex + 1) : undefined;
  const cfg = { norm: s.norm, eps: s.eps, steps: s.steps, rho: s.rho, init, eot: s.eot };
  const run = await apgdRun(classifier, x, rows, p, { ...cfg, loss: s.targeted ? 'dlr-targeted' : s.loss, targets });
  scope.trackAll([run.xBestAdv, run.xBest]);
  // Fooled rows take their fooling iterate; robust rows the highest-loss point so far.
  const replace = Array.from(rows, (row, j) => run.fooled[j] || run.lossBest[j] > state.bestLoss[row]);
  const chosen = scope.track(selectRows(run.fooled, run.xBestAdv, run.xBest));
  state.out = scope.track(replaceRows(state.out, rows, chosen, replace));
  rows.forEach((row, j) => {
    if (run.fooled[j]) state.robust[row] = false;
    else if (run.lossBest[j] > state.bestLoss[row]) state.bestLoss[row] = run.lossBest[j];
  });
  scope.collect([state.out]);
}

/**
 * Per row, the class with the (`rank` + 1)-th highest clean logit (rank 1: the runner-up), as
 * APGDAttack_targeted's `output.sort(dim=1)[1][:, -target_class]`.
 */
async function rankedClass(classifier: Classifier, x: Tensor4D, rank: number): Promise<Int32Array> {
  const z = tf.tidy(() => classifier(x));
  const v = await z.data();
  const [n, k] = z.shape as [number, number];
  z.dispose();
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => v[i * k + b] - v[i * k + a] || a - b);
    out[i] = order[rank];
  }
  return out;
}
