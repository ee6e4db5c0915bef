import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { withTensorScope, type Classifier } from '@cnn/core';
import type { EvalSettings } from './args.js';
import { attackSubset } from './attack.js';
import { encodeF32, type BatchRecord } from './results-file.js';

/** AutoAttack's stages per version, as fra31/auto-attack runs them. */
const AUTOATTACK_STAGES: Record<string, string[]> = {
  standard: ['apgd-ce', 'apgd-t', 'fab-t', 'square'],
  plus: ['apgd-ce', 'apgd-dlr', 'fab', 'square', 'apgd-t', 'fab-t'],
  rand: ['apgd-ce', 'apgd-dlr'],
};

/** The stage names of `settings`' attack (none for `--attack none`). */
export function stageNamesFor(s: EvalSettings, single: (s: EvalSettings) => string): string[] {
  if (s.attack === 'none') return [];
  if (s.attack === 'autoattack') return AUTOATTACK_STAGES[s.version];
  return [single(s)];
}

/**
 * The seed of a batch's attack: FNV-1a of the run's seed and the batch's first example index, so a
 * batch draws the same in a single process, a shard or a resumed run, whatever ran before it.
 */
export function batchSeed(seed: number, start: number): number {
  let h = 0x811c9dc5;
  for (const ch of `cnn-eval|${seed}|${start}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Per-example softmax and top-1 of `images` (host arrays; no tensors left). */
function predict(classifier: Classifier, images: Tensor4D): { probs: Float32Array; top: number[] } {
  return tf.tidy(() => {
    const logits = classifier(images) as tf.Tensor2D;
    const probs = tf.softmax(logits);
    return { probs: probs.dataSync() as Float32Array, top: Array.from(tf.argMax(probs, 1).dataSync()) };
  });
}

export interface BatchInput {
  start: number;
  /** float32 NHWC in [0, 1]. */
  images: Tensor4D;
  labels: Int32Array;
}

/**
 * Evaluates one batch: clean predictions, the attack on the clean-correct examples (the others
 * count as non-robust and keep their clean image), and with `--calibration` the probabilities on
 * the clean and the adversarial images. Leaves no tensors (the caller owns `images`).
 */
export async function evaluateBatch(
  s: EvalSettings,
  stageNames: string[],
  classifier: Classifier,
  input: BatchInput,
): Promise<{ record: BatchRecord; stageSeconds: number[]; skipped: Record<string, string> }> {
  const { images, labels, start } = input;
  const clean = predict(classifier, images);
  const correctRows = clean.top.flatMap((p, i) => (p === labels[i] ? [i] : []));
  // Without an attack, robust = clean-correct; with one, only what survives it.
  const robust = clean.top.map((p, i) => (s.attack === 'none' && p === labels[i] ? 1 : 0));
  const record: BatchRecord = { start, labels: Array.from(labels), cleanPrediction: clean.top, robust, stageCorrect: stageNames.map(() => 0) };
  let stageSeconds = stageNames.map(() => 0);
  const skipped: Record<string, string> = {};
  let advProbs = clean.probs;
  if (s.attack !== 'none' && correctRows.length > 0) {
    await withTensorScope(async (scope) => {
      const rows = scope.track(tf.tensor1d(correctRows, 'int32'));
      const subset = scope.track(tf.gather(images, rows)) as Tensor4D;
      const r = await attackSubset(s, classifier, subset, Int32Array.from(correctRows, (i) => labels[i]), batchSeed(s.seed, start));
      scope.track(r.adversarial);
      checkStages(r.stages.map((x) => x.attack), stageNames);
      record.stageCorrect = r.stages.map((x) => x.correct);
      stageSeconds = r.stages.map((x) => x.seconds);
      for (const st of r.stages) if (st.skipped) skipped[st.attack] = st.skipped;
      correctRows.forEach((row, j) => (record.robust[row] = r.robust[j] ? 1 : 0));
      if (s.calibration) {
        const adv = predict(classifier, r.adversarial);
        advProbs = Float32Array.from(clean.probs);
        const k = clean.probs.length / labels.length;
        correctRows.forEach((row, j) => advProbs.set(adv.probs.subarray(j * k, (j + 1) * k), row * k));
      }
    });
  }
  if (s.calibration) {
    record.cleanProbs = encodeF32(clean.probs);
    record.advProbs = encodeF32(advProbs);
  }
  return { record, stageSeconds, skipped };
}

function checkStages(got: string[], expected: string[]): void {
  if (got.join() !== expected.join()) throw new Error(`the attack ran stages ${got.join(', ')}, expected ${expected.join(', ')}`);
}
