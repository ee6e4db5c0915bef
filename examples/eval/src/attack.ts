import type { Tensor4D } from '@tensorflow/tfjs-core';
import * as attacks from '@cnn/attacks';
import type { Classifier } from '@cnn/core';
import { CliError } from '@cnn/example-common';
import type { EvalSettings } from './args.js';

/** What one attack run on a batch gives: the adversarial images and the robust count after each stage. */
export interface BatchAttackResult {
  /** float32 NHWC, one per image of the batch (the clean image where nothing was attacked); caller disposes. */
  adversarial: Tensor4D;
  /** Per image: still classified correctly after every stage. */
  robust: boolean[];
  stages: Array<{ attack: string; correct: number; seconds: number; skipped?: string }>;
}

/** The AutoAttack entry of `@cnn/attacks` as documented in issue 15 (looked up at run time: it may not be in this build). */
type AutoAttackFn = (
  classifier: Classifier,
  images: Tensor4D,
  labels: Int32Array,
  options: { norm: string; eps: number; version: string; seed: number; batchSize?: number; settings?: { steps?: number; nQueries?: number } },
) => Promise<{ adversarial: Tensor4D; success: boolean[]; stages: Array<{ attack: string; robustAccuracy: number; seconds: number; skipped?: string }>; warnings?: string[] }>;

/** `autoAttack` of `@cnn/attacks`, or undefined when this build has none. */
export function autoAttackFunction(): AutoAttackFn | undefined {
  const fn = (attacks as Record<string, unknown>).autoAttack;
  return typeof fn === 'function' ? (fn as AutoAttackFn) : undefined;
}

/** A {@link CliError} now, before any work, when `--attack autoattack` cannot run in this build. */
export function checkAttackAvailable(settings: EvalSettings): void {
  if (settings.attack === 'autoattack' && !autoAttackFunction()) {
    throw new CliError('--attack autoattack: AutoAttack is not available in this build (@cnn/attacks has no autoAttack yet); use --attack apgd, pgd or fgsm');
  }
}

const noted = new Set<string>();

/** Prints each of AutoAttack's warnings (a skipped FAB stage, a randomised model) once per run. */
function noteOnce(warnings: string[]): void {
  for (const w of warnings) {
    if (noted.has(w)) continue;
    noted.add(w);
    process.stdout.write(`note: AutoAttack: ${w}\n`);
  }
}

/** The name of the single stage of `pgd`, `apgd` and `fgsm` (`pgd-20`, `apgd-ce-100`, `fgsm`). */
export function singleStageName(s: EvalSettings): string {
  if (s.attack === 'pgd') return `pgd-${s.steps ?? 20}`;
  if (s.attack === 'apgd') return `apgd-ce-${s.steps ?? 100}`;
  return s.attack;
}

/** The `settings` overrides of `autoAttack` from `--steps` and `--queries`. */
function autoAttackSettings(s: EvalSettings): { steps?: number; nQueries?: number } {
  return { ...(s.steps !== null ? { steps: s.steps } : {}), ...(s.queries !== null ? { nQueries: s.queries } : {}) };
}

/** Runs `pgd`, `apgd` or `fgsm` of `@cnn/attacks` on the given images (all of them). */
function runSingle(s: EvalSettings, classifier: Classifier, images: Tensor4D, labels: Int32Array, seed: number) {
  const common = { eps: s.eps, seed };
  if (s.attack === 'pgd') {
    return attacks.pgd(classifier, images, labels, { ...common, norm: s.norm, steps: s.steps ?? 20, restarts: s.restarts, ...(s.stepSize !== null ? { stepSize: s.stepSize } : {}) });
  }
  if (s.attack === 'apgd') return attacks.apgd(classifier, images, labels, { ...common, norm: s.norm, steps: s.steps ?? 100, restarts: s.restarts, loss: 'ce' });
  return attacks.fgsm(classifier, images, labels, common);
}

/**
 * Attacks the examples at `attacked` (the clean-correct ones: AutoAttack's rule) with `settings`'
 * attack, seeded with `seed`. `subset` holds exactly those images; the result is per subset image.
 */
export async function attackSubset(
  s: EvalSettings,
  classifier: Classifier,
  subset: Tensor4D,
  labels: Int32Array,
  seed: number,
): Promise<{ adversarial: Tensor4D; robust: boolean[]; stages: BatchAttackResult['stages'] }> {
  const began = performance.now();
  if (s.attack === 'autoattack') {
    const r = await autoAttackFunction()!(classifier, subset, labels, { norm: s.norm, eps: s.eps, version: s.version, seed, batchSize: s.batchSize, settings: autoAttackSettings(s) });
    noteOnce(r.warnings ?? []);
    const stages = r.stages.map((st) => ({ attack: st.attack, correct: Math.round(st.robustAccuracy * labels.length), seconds: st.seconds, ...(st.skipped ? { skipped: st.skipped } : {}) }));
    return { adversarial: r.adversarial, robust: r.success.map((x) => !x), stages };
  }
  const r = await runSingle(s, classifier, subset, labels, seed);
  const robust = r.success.map((x) => !x);
  const correct = robust.filter(Boolean).length;
  return { adversarial: r.adversarial, robust, stages: [{ attack: singleStageName(s), correct, seconds: (performance.now() - began) / 1000 }] };
}
