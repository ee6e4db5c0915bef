import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier } from '@cnn/core';
import type { AttackNorm } from './types.js';

/** Largest per-example perturbation (L∞ or L2) and whether any value is NaN, in float64 on the host. */
export function perturbationSummary(adv: Float32Array, x: Float32Array, per: number, norm: AttackNorm): { max: number; nan: boolean } {
  let max = 0;
  let nan = false;
  for (let b = 0; b < x.length / per; b++) {
    let s = 0;
    for (let j = b * per; j < (b + 1) * per; j++) {
      if (Number.isNaN(adv[j])) nan = true;
      const d = adv[j] - x[j];
      s = norm === 'linf' ? Math.max(s, Math.abs(d)) : s + d * d;
    }
    max = Math.max(max, norm === 'linf' ? s : Math.sqrt(s));
  }
  return { max, nan };
}

/**
 * auto-attack's checks.py warnings on the first batch: a randomised model (outputs differ between
 * passes: use version 'rand'), outputs that look like probabilities rather than logits.
 */
export async function modelWarnings(classifier: Classifier, x: Tensor4D, checkRandomised: boolean): Promise<string[]> {
  const warnings: string[] = [];
  const passes = checkRandomised ? 3 : 1;
  const outs: Float32Array[] = [];
  for (let i = 0; i < passes; i++) {
    const z = tf.tidy(() => classifier(x));
    outs.push((await z.data()) as Float32Array);
    z.dispose();
  }
  if (outs.slice(1).some((o) => o.some((v, i) => Math.abs(v - outs[0][i]) > 1e-4 * Math.max(1, Math.abs(outs[0][i]))))) {
    warnings.push("the classifier's outputs differ between two passes on the same images: it seems to be a randomised defence; use version 'rand' (EOT)");
  }
  const k = outs[0].length / x.shape[0];
  const probabilities = outs[0].every((v) => v > -1e-5 && v < 1 + 1e-5) &&
    Array.from({ length: x.shape[0] }, (_, b) => outs[0].subarray(b * k, (b + 1) * k).reduce((a, v) => a + v, 0)).every((s) => Math.abs(s - 1) < 1e-5);
  if (probabilities) warnings.push('the classifier seems to output probabilities: attacks need the logits (pre-softmax)');
  return warnings;
}

/** checks.py `check_square_sr`: Square (black-box) breaking points the gradient attacks missed hints at masked gradients. */
export function squareWarning(stages: { attack: string; robustAccuracy: number }[]): string | undefined {
  const i = stages.findIndex((s) => s.attack === 'square');
  if (i <= 0) return undefined;
  const before = Math.min(...stages.slice(0, i).map((s) => s.robustAccuracy));
  const drop = before - stages[i].robustAccuracy;
  if (drop <= 0.002) return undefined;
  return `Square Attack lowered the robust accuracy by ${(100 * drop).toFixed(2)} points after the gradient-based attacks: the gradients may be masked, so the evaluation may be unreliable`;
}
