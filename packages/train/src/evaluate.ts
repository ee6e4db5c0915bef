import * as tf from '@tensorflow/tfjs-core';
import type { LabelsInput } from '@cnn/attacks';
import { withTensorScope, type Classifier, type TensorScope } from '@cnn/core';
import { ensureGradients } from '@cnn/core/gradients';
import { attackName, resolveAttack } from './adversarial.js';
import { calibrationSummary } from './calibration-summary.js';
import { checkEvaluateOptions } from './config-check.js';
import { batchRobustCounts, type FirstAttackObserver } from './robust-counts.js';
import type { BatchSource, EvalResult, EvaluateOptions, ExampleImage, RobustResult, TrainableModel } from './types.js';

/** The classifier view of a model: a `TrainableModel` runs in evaluation mode (running BN statistics). */
export function asClassifier(model: TrainableModel | Classifier): Classifier {
  if (typeof model === 'function') return model;
  if (!model || typeof model.apply !== 'function') throw new TypeError('evaluate: model must be a Classifier function or have apply()');
  return (x) => model.apply(x, { training: false });
}

/**
 * Evaluates a model on the batches of `loader`, in evaluation mode:
 * clean accuracy, NLL, Brier, ECE and the debiased ℓ2 calibration errors (top-label and marginal,
 * via `@cnn/calibration`), the reliability diagram, and — with `options.attacks` — robust accuracy
 * per attack and in the worst case over all attacks, counted by `robustAccuracy` of `@cnn/attacks`
 * (AutoAttack's definition: only examples correct on clean images are attacked; the others count
 * as non-robust). Kept adversarial examples are therefore clean-correct ones. ε and images in
 * `[0, 1]` pixel units.
 *
 * Disposes every batch it reads and stops reading once `maxExamples` are done; leaves
 * `tf.memory().numTensors` unchanged.
 */
export async function evaluate(model: TrainableModel | Classifier, loader: BatchSource, options: EvaluateOptions = {}): Promise<EvalResult> {
  checkEvaluateOptions(options, 'evaluate: options');
  ensureGradients();
  const classifier = asClassifier(model);
  const attacks = options.attacks ?? [];
  const names = attacks.map(attackName);
  if (new Set(names).size !== names.length) throw new Error(`evaluate: attack names must be unique, got ${names.join(', ')}`);
  const maxExamples = options.maxExamples ?? Infinity;
  const attackMax = Math.min(options.attackMaxExamples ?? Infinity, maxExamples);
  const keepExamples = options.keepExamples ?? 0;
  const seed = options.seed ?? 0;

  const tally: Tally = { probChunks: [], labelChunks: [], numClasses: 0, n: 0, attacked: 0, cleanCorrect: 0, worstCorrect: 0, perAttackCorrect: names.map(() => 0), examples: [], batchIndex: 0 };
  const plan: BatchPlan = { classifier, attacks, names, maxExamples, attackMax, keepExamples, seed };

  for await (const batch of loader) {
    // One scope per batch owns the batch and every slice of it, on success and on error.
    await withTensorScope(async (scope) => {
      scope.trackAll([batch.images, batch.labels, ...(batch.targets ? [batch.targets] : [])]);
      if (tally.n < maxExamples) await evaluateBatch(plan, tally, batch.images, batch.labels, scope);
    });
    options.onProgress?.(tally.n);
    if (tally.n >= maxExamples) break;
  }
  const { n, numClasses, attacked, examples } = tally;
  if (n === 0) throw new Error('evaluate: the loader yielded no examples');

  const probs = concatF32(tally.probChunks, n * numClasses);
  const labels = concatI32(tally.labelChunks, n);
  const cal = calibrationSummary(probs, labels, numClasses, options.bins ?? 15);
  const result: EvalResult = { n, ...cal };
  if (attacks.length > 0) {
    const robust: RobustResult = {
      clean: tally.cleanCorrect / attacked,
      perAttack: Object.fromEntries(names.map((nm, i) => [nm, tally.perAttackCorrect[i] / attacked])),
      worstCase: tally.worstCorrect / attacked,
      n: attacked,
      attacks: attacks.map(resolveAttack),
    };
    result.robust = robust;
  }
  if (keepExamples > 0) result.examples = examples;
  if (options.keepPredictions) {
    result.probabilities = Array.from({ length: n }, (_, i) => Array.from(probs.subarray(i * numClasses, (i + 1) * numClasses)));
    result.labels = Array.from(labels);
  }
  return result;
}

/** What `evaluate` accumulates over batches. */
interface Tally {
  probChunks: Float32Array[];
  labelChunks: Int32Array[];
  numClasses: number;
  n: number;
  attacked: number;
  cleanCorrect: number;
  worstCorrect: number;
  perAttackCorrect: number[];
  examples: ExampleImage[];
  batchIndex: number;
}

/** What `evaluate` does with each batch, fixed before the first. */
interface BatchPlan {
  classifier: Classifier;
  attacks: NonNullable<EvaluateOptions['attacks']>;
  names: string[];
  maxExamples: number;
  attackMax: number;
  keepExamples: number;
  seed: number;
}

/** Clean predictions of one batch (up to `maxExamples` in all), then the attacks on its first examples (up to `attackMax`). */
async function evaluateBatch(plan: BatchPlan, t: Tally, batchImages: tf.Tensor4D, batchLabels: tf.Tensor1D, scope: TensorScope): Promise<void> {
  const { classifier, attacks, names } = plan;
  const b = batchImages.shape[0];
  if (batchLabels.shape[0] !== b) throw new Error(`evaluate: batch has ${b} images but ${batchLabels.shape[0]} labels`);
  const take = Math.min(b, plan.maxExamples - t.n);
  const images = take < b ? scope.track(tf.slice(batchImages, [0, 0, 0, 0], [take, -1, -1, -1])) : batchImages;
  const labelsT = take < b ? scope.track(tf.slice(batchLabels, [0], [take])) : batchLabels;
  const probsT = scope.track(tf.tidy(() => tf.softmax(classifier(images))));
  const probs = (await probsT.data()).slice() as Float32Array;
  t.numClasses = probsT.shape[1] as number;
  const labels = Int32Array.from(await labelsT.data());
  for (const y of labels) {
    if (!Number.isInteger(y) || y < 0 || y >= t.numClasses) throw new Error(`evaluate: label ${y} outside [0, ${t.numClasses - 1}]`);
  }
  t.probChunks.push(probs);
  t.labelChunks.push(labels);

  const m = Math.min(take, plan.attackMax - t.attacked);
  if (attacks.length > 0 && m > 0) {
    const x = m < take ? scope.track(tf.slice(images, [0, 0, 0, 0], [m, -1, -1, -1])) : images;
    const y = m < take ? scope.track(tf.slice(labelsT, [0], [m])) : labelsT;
    const keepFirst: FirstAttackObserver | undefined =
      t.examples.length < plan.keepExamples ? (clean, adv, ys) => keepAttacked(t.examples, plan.keepExamples, classifier, clean, adv, ys, names[0]) : undefined;
    const counts = await batchRobustCounts(attacks, names, classifier, x, y, plan.seed + 7919 * t.batchIndex, keepFirst);
    t.cleanCorrect += counts.clean;
    names.forEach((nm, a) => (t.perAttackCorrect[a] += counts.attacks[nm]));
    t.worstCorrect += counts.worstCase;
    t.attacked += m;
  } else if (t.examples.length < plan.keepExamples) {
    keep(t.examples, plan.keepExamples, images, undefined, labels, argmaxRows(probs, t.numClasses), undefined, undefined);
  }
  t.n += take;
  t.batchIndex++;
}

function argmaxRows(p: Float32Array, k: number): Int32Array {
  const rows = p.length / k;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** Keeps examples of the first attack: clean images it attacked (all correct when clean), adversarial images and predictions. */
function keepAttacked(
  out: ExampleImage[],
  max: number,
  classifier: Classifier,
  clean: tf.Tensor4D,
  adv: tf.Tensor4D,
  labels: LabelsInput,
  attack: string,
): void {
  const ys = Int32Array.from(labels instanceof tf.Tensor ? labels.dataSync() : labels);
  const advPredT = tf.tidy(() => tf.argMax(classifier(adv), 1));
  const advPred = advPredT.dataSync();
  advPredT.dispose();
  keep(out, max, clean, adv, ys, ys, advPred, attack);
}

function keep(
  out: ExampleImage[],
  max: number,
  clean: tf.Tensor4D,
  adv: tf.Tensor4D | undefined,
  labels: Int32Array,
  cleanPred: Int32Array,
  advPred: ArrayLike<number> | undefined,
  attack: string | undefined,
): void {
  const [b, h, w, c] = clean.shape;
  const k = Math.min(b, max - out.length);
  if (k <= 0) return;
  const cData = clean.dataSync();
  const aData = adv?.dataSync();
  const size = h * w * c;
  for (let i = 0; i < k; i++) {
    out.push({
      height: h,
      width: w,
      channels: c,
      clean: Float32Array.from(cData.subarray(i * size, (i + 1) * size)),
      adversarial: aData ? Float32Array.from(aData.subarray(i * size, (i + 1) * size)) : undefined,
      label: labels[i],
      cleanPrediction: cleanPred[i],
      adversarialPrediction: advPred ? advPred[i] : undefined,
      attack,
    });
  }
}

function concatF32(chunks: Float32Array[], total: number): Float32Array {
  const out = new Float32Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function concatI32(chunks: Int32Array[], total: number): Int32Array {
  const out = new Int32Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
