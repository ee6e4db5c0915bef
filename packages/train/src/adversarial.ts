import * as tf from '@tensorflow/tfjs-core';
import { fgsm, fgsmRandomStart, pgd, type LabelsInput } from '@cnn/attacks';
import type { Classifier, Rng } from '@cnn/core';
import type { AttackSpec, FgsmRsMode, PgdMode, TrainableModel } from './types.js';

/** The model as a `Classifier` in the given BatchNorm mode, never moving the running statistics. */
export function attackClassifier(model: TrainableModel, bnMode: 'eval' | 'train'): Classifier {
  return (x) => model.apply(x, { training: bnMode === 'train', updateRunningStats: false });
}

/**
 * Default L∞ PGD step size, the same for training and evaluation: ε/4 (2/255 at ε = 8/255, as in
 * Madry et al.'s PGD-7 training, the PGD-20 evaluations of Rice et al. and Wong et al., and
 * torchattacks' defaults). One rule everywhere, so robust accuracies from the library, the CLIs
 * and `@cnn/attacks` used directly are comparable.
 */
export function defaultPgdStep(eps: number): number {
  return eps / 4;
}

/**
 * Adversarial training examples for a batch (through `@cnn/attacks`): PGD-k or FGSM-RS against the
 * model in the mode's BN setting (running statistics never move); the first ⌊cleanFraction·B⌋
 * examples stay clean. Returns a new tensor (caller disposes); disposes nothing else. Random starts
 * draw from `rng` (so they are reproduced by a resumed run).
 */
export async function adversarialBatch(
  mode: PgdMode | FgsmRsMode,
  model: TrainableModel,
  images: tf.Tensor4D,
  labels: tf.Tensor1D,
  rng: Rng,
): Promise<tf.Tensor4D> {
  const n = images.shape[0];
  const keep = Math.min(n, Math.floor((mode.cleanFraction ?? 0) * n));
  if (!(mode.eps >= 0)) throw new RangeError(`${mode.type}: eps must be ≥ 0, got ${mode.eps}`);
  if (keep === n) return tf.clone(images);
  const x = keep > 0 ? tf.slice(images, [keep, 0, 0, 0], [n - keep, -1, -1, -1]) : images;
  const y = keep > 0 ? tf.slice(labels, [keep], [n - keep]) : labels;
  try {
    let adv: tf.Tensor4D;
    if (mode.type === 'pgd') {
      const steps = mode.steps ?? 7;
      const classifier = attackClassifier(model, mode.bnMode ?? 'eval');
      adv = (
        await pgd(classifier, x, y, {
          eps: mode.eps,
          stepSize: mode.stepSize ?? defaultPgdStep(mode.eps),
          steps,
          randomStart: mode.randomStart ?? true,
          rng,
          // Training needs only the images: no extra forward pass to measure success.
          measureSuccess: false,
        })
      ).adversarial;
    } else {
      const classifier = attackClassifier(model, mode.bnMode ?? 'train');
      // The attack's own default step (1.25ε) when none is set: an explicit step must lie within the pixel range.
      adv = (await fgsmRandomStart(classifier, x, y, { eps: mode.eps, stepSize: mode.stepSize, rng, measureSuccess: false })).adversarial;
    }
    if (keep === 0) return adv;
    const head = tf.slice(images, [0, 0, 0, 0], [keep, -1, -1, -1]);
    const out = tf.concat([head, adv], 0) as tf.Tensor4D;
    tf.dispose([head, adv]);
    return out;
  } finally {
    if (x !== images) x.dispose();
    if (y !== labels) y.dispose();
  }
}

/** Display name of an evaluation attack: its `name` or e.g. `pgd-20`, `fgsm`, `fgsm-rs`. */
export function attackName(spec: AttackSpec): string {
  if (spec.name) return spec.name;
  if (spec.type === 'pgd') return `pgd-${spec.steps ?? 20}${(spec.restarts ?? 1) > 1 ? `x${spec.restarts}` : ''}`;
  return spec.type;
}

/** An evaluation attack with its name and every default filled in (as `runAttack` runs it). */
export function resolveAttack(spec: AttackSpec): AttackSpec & { name: string } {
  const name = attackName(spec);
  switch (spec.type) {
    case 'pgd': {
      const steps = spec.steps ?? 20;
      return { ...spec, name, steps, stepSize: spec.stepSize ?? defaultPgdStep(spec.eps), restarts: spec.restarts ?? 1, randomStart: spec.randomStart ?? true };
    }
    case 'fgsm-rs':
      return { ...spec, name, stepSize: spec.stepSize ?? 1.25 * spec.eps };
    default:
      return { ...spec, name };
  }
}

/**
 * Runs one evaluation attack through `@cnn/attacks`; resolves to the adversarial images (caller
 * disposes) and, per example, whether the attack fooled the classifier.
 */
export async function runAttack(
  spec: AttackSpec,
  classifier: Classifier,
  images: tf.Tensor4D,
  labels: LabelsInput,
  seed: number,
): Promise<{ adversarial: tf.Tensor4D; success: boolean[] }> {
  if (!(spec.eps >= 0)) throw new RangeError(`attack ${attackName(spec)}: eps must be ≥ 0, got ${spec.eps}`);
  // The defaults live in resolveAttack only: what runs is what the report lists.
  const resolved = resolveAttack(spec);
  switch (resolved.type) {
    case 'pgd':
      return pgd(classifier, images, labels, {
        eps: resolved.eps,
        stepSize: resolved.stepSize,
        steps: resolved.steps,
        restarts: resolved.restarts,
        randomStart: resolved.randomStart,
        seed,
      });
    case 'fgsm':
      return fgsm(classifier, images, labels, { eps: resolved.eps });
    case 'fgsm-rs':
      return fgsmRandomStart(classifier, images, labels, { eps: resolved.eps, stepSize: resolved.stepSize, seed });
    default:
      throw new Error(`unknown attack type "${(spec as { type: string }).type}" (use pgd, fgsm, fgsm-rs)`);
  }
}
