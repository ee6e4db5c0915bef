import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier } from '@cnn/core';
import { apgd } from './apgd.js';
import { square } from './square.js';
import { fab } from './fab.js';
import { stageOptions, versionPlan, type AutoAttackName, type AutoAttackSettings, type AutoAttackVersion } from './auto-attack-config.js';
import { copyState, freshState, resumeState, type AutoAttackStage, type AutoAttackState } from './auto-attack-state.js';
import { modelWarnings, perturbationSummary, squareWarning } from './auto-attack-checks.js';
import { checkLogitsShape } from './loss-gradient.js';
import { checkCount, checkImages, checkLabelRange, checkNonNegative, checkWithinBounds, readLabels } from './validate.js';
import type { AttackNorm, Bounds, EotOptions, LabelsInput } from './types.js';

export interface AutoAttackOptions {
  /** Threat model; default `'linf'`. */
  norm?: AttackNorm;
  /** Radius in pixel units (e.g. 8/255 for L∞, 0.5 for L2 on [0, 1] images). */
  eps: number;
  /** auto-attack's versions: 'standard' (default), 'plus', 'rand' (EOT), or 'custom' with `attacks`. */
  version?: AutoAttackVersion;
  /** The cascade for version 'custom', in order. */
  attacks?: AutoAttackName[];
  /** Overrides of the version's per-attack settings (fewer steps or queries for a quick look). */
  settings?: Partial<AutoAttackSettings>;
  /** EOT transform for version 'rand' (or any APGD stage): see {@link EotOptions}. */
  eot?: EotOptions;
  /** Seed of every attack (each batch of each stage starts from it); default 0. */
  seed?: number;
  /** Examples per attack call; default 250 (auto-attack's `bs`). */
  batchSize?: number;
  bounds?: Bounds;
  /** Called after the clean pass, after every batch and after every stage, with a copy of the resumable state. */
  onProgress?: (progress: AutoAttackProgress) => void;
  /** A state from an earlier, interrupted run of the same evaluation to resume from. */
  state?: AutoAttackState;
}

export interface AutoAttackProgress {
  /** The stage under way (`'clean'` for the clean pass). */
  attack: AutoAttackName | 'clean';
  /** Examples of this stage left to attack. */
  pending: number;
  robustAccuracy: number;
  state: AutoAttackState;
}

export interface AutoAttackResult {
  /** Per example: the first adversarial image that fooled the classifier, else the clean image. The caller disposes it. */
  adversarial: Tensor4D;
  /** Per example: not robust (misclassified on the clean image or by some stage). */
  success: boolean[];
  cleanAccuracy: number;
  robustAccuracy: number;
  /** The stage table: robust accuracy after each attack, in cascade order. */
  stages: AutoAttackStage[];
  /** Largest perturbation of `adversarial` in the threat model's norm (checked ≤ ε + 1e-5). */
  maxPerturbation: number;
  /** auto-attack's checks that do not stop the run (randomised model, probabilities, Square success). */
  warnings: string[];
  /** The final state (every stage done). */
  state: AutoAttackState;
}

/**
 * AutoAttack (Croce & Hein 2020): a cascade of attacks, each run only on the examples every
 * earlier one failed on, as auto-attack's `run_standard_evaluation`. The versions set the
 * reference's attacks and settings: standard = APGD-CE, APGD-T (9 targets), FAB-T, Square (5000
 * queries), 100 iterations and 1 restart each; plus = APGD-CE, APGD-DLR, FAB, Square, APGD-T,
 * FAB-T with 5 restarts of APGD and FAB; rand = APGD-CE, APGD-DLR with EOT over 20 samples.
 *
 * Leaves no tensors but `adversarial`; inputs are neither modified nor disposed.
 */
export async function autoAttack(classifier: Classifier, images: Tensor4D, labels: LabelsInput, options: AutoAttackOptions): Promise<AutoAttackResult> {
  const fn = 'autoAttack';
  const norm = options?.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`${fn}: norm must be 'linf' or 'l2', got ${String(norm)}`);
  const eps = checkNonNegative(fn, 'eps', options?.eps);
  const version = options.version ?? 'standard';
  const plan = versionPlan(fn, version, options.attacks);
  const settings = readSettings(fn, plan.settings, options.settings);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new RangeError(`${fn}: seed must be an integer, got ${String(seed)}`);
  const batchSize = checkCount(fn, 'batchSize', options.batchSize ?? 250, 1);
  const [low, high] = await checkImages(fn, images, options.bounds);
  checkWithinBounds(fn, 'eps', eps, norm, low, high, images);
  const [total, h, w, c] = images.shape;
  const y = await readLabels(fn, 'labels', labels, total);
  const expected = freshState(norm, eps, plan.attacks, seed, total);
  const state = options.state !== undefined ? resumeState(fn, options.state, expected) : expected;

  const x = (await images.data()) as Float32Array;
  const per = h * w * c;
  const rowsOf = (idx: number[]): Tensor4D => tf.tidy(() => tf.gather(images, tf.tensor1d(idx, 'int32')) as Tensor4D);
  const first = rowsOf(Array.from({ length: Math.min(batchSize, total) }, (_, i) => i));
  let classes: number;
  let warnings: string[];
  try {
    classes = await classCount(fn, classifier, first, y);
    warnings = await modelWarnings(classifier, first, version !== 'rand');
  } finally {
    first.dispose();
  }
  const targetedStages = plan.attacks.filter((a) => a === 'apgd-t' || a === 'fab-t');
  if (targetedStages.length > 0 && settings.nTargetClasses >= classes) {
    throw new RangeError(`${fn}: nTargetClasses = ${settings.nTargetClasses} must be below the number of classes (${classes}) for ${targetedStages.join(', ')}`);
  }
  const report = (attack: AutoAttackProgress['attack']): void =>
    options.onProgress?.({ attack, pending: state.current?.pending.length ?? 0, robustAccuracy: count(state.robust) / total, state: copyState(state) });

  if (state.clean === null) {
    state.clean = await cleanPass(classifier, rowsOf, y, total, batchSize);
    state.robust = [...state.clean];
    report('clean');
  }
  const adv = Float32Array.from(x);
  const bounds: Bounds = [low, high];
  for (const attack of plan.attacks) {
    if (state.stages.some((s) => s.attack === attack)) continue;
    if (state.current?.attack !== attack) state.current = { attack, pending: indicesOf(state.robust), broken: 0, seconds: 0 };
    const current = state.current;
    const callOptions = { ...stageOptions(attack, settings, options.eot, norm), eps, seed, bounds };
    while (current.pending.length > 0) {
      const batch = current.pending.slice(0, batchSize);
      const t0 = now();
      const fooled = await attackBatch(attack, classifier, rowsOf(batch), Int32Array.from(batch, (i) => y[i]), callOptions, adv, batch, per);
      batch.forEach((row, j) => {
        if (!fooled[j]) return;
        state.robust[row] = false;
        current.broken++;
      });
      current.pending = current.pending.slice(batch.length);
      current.seconds += (now() - t0) / 1000;
      report(attack);
    }
    state.stages.push({ attack, robustAccuracy: count(state.robust) / total, broken: current.broken, seconds: current.seconds });
    state.current = null;
    report(attack);
  }

  const { max, nan } = perturbationSummary(adv, x, per, norm);
  if (nan) throw new Error(`${fn}: an adversarial image contains NaN (the classifier or an attack produced it)`);
  if (max > eps + 1e-5) throw new Error(`${fn}: an adversarial image is ${max} from its clean image, beyond eps = ${eps} (+1e-5): this is a bug, please report it`);
  const sq = squareWarning(state.stages);
  if (sq) warnings.push(sq);
  const robustCount = count(state.robust);
  return {
    adversarial: tf.tensor4d(adv, [total, h, w, c]),
    success: state.robust.map((r) => !r),
    cleanAccuracy: count(state.clean) / total,
    robustAccuracy: robustCount / total,
    stages: state.stages.map((s) => ({ ...s })),
    maxPerturbation: max,
    warnings,
    state: copyState(state),
  };
}

/** Runs one stage on one batch (its images tensor is disposed here); copies fooling images into `adv`. */
async function attackBatch(
  attack: AutoAttackName,
  classifier: Classifier,
  xs: Tensor4D,
  ys: Int32Array,
  options: Record<string, unknown>,
  adv: Float32Array,
  rows: number[],
  per: number,
): Promise<boolean[]> {
  try {
    const run = attack === 'square' ? square : attack === 'fab' || attack === 'fab-t' ? fab : apgd;
    const result = await run(classifier, xs, ys, options as never);
    const data = await result.adversarial.data();
    result.adversarial.dispose();
    rows.forEach((row, j) => {
      if (result.success[j]) adv.set(data.subarray(j * per, (j + 1) * per), row * per);
    });
    return result.success;
  } finally {
    xs.dispose();
  }
}

async function cleanPass(classifier: Classifier, rowsOf: (idx: number[]) => Tensor4D, y: Int32Array, total: number, batchSize: number): Promise<boolean[]> {
  const right: boolean[] = [];
  for (let start = 0; start < total; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, total - start) }, (_, i) => start + i);
    const pred = tf.tidy(() => {
      const xs = rowsOf(idx);
      return tf.argMax(classifier(xs), 1);
    });
    const p = await pred.data();
    pred.dispose();
    idx.forEach((i, j) => right.push(p[j] === y[i]));
  }
  return right;
}

async function classCount(fn: string, classifier: Classifier, x: Tensor4D, y: Int32Array): Promise<number> {
  const z = tf.tidy(() => classifier(x));
  try {
    checkLogitsShape(fn, z, x.shape[0]);
    checkLabelRange(fn, 'labels', y, z.shape[1]);
    return z.shape[1];
  } finally {
    if (z instanceof tf.Tensor) z.dispose();
  }
}

function readSettings(fn: string, base: AutoAttackSettings, given: Partial<AutoAttackSettings> | undefined): AutoAttackSettings {
  const out = { ...base };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!(key in base)) throw new Error(`${fn}: unknown setting "${key}" (known: ${Object.keys(base).join(', ')})`);
    out[key as keyof AutoAttackSettings] = checkCount(fn, `settings.${key}`, value, key === 'nQueries' ? 0 : 1);
  }
  return out;
}

const count = (flags: boolean[]): number => flags.reduce((a, f) => a + (f ? 1 : 0), 0);
const indicesOf = (flags: boolean[]): number[] => flags.flatMap((f, i) => (f ? [i] : []));
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
