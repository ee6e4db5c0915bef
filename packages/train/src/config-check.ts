import { checkChoice, checkInteger, checkNumber, checkObject, optionalInteger, optionalNumber } from './option-rules.js';
import type { AttackSpec, EvaluateOptions, OptimizerConfig, ScheduleConfig, TrainingMode } from './types.js';

// Checks of the serialisable hyper-parameters (no tensors, no model): `train` runs them before it
// creates anything, and a CLI can run them before it loads data or starts a backend.

/** Optimiser settings: type, weight decay, SGD momentum / dampening / Nesterov, Adam betas and ε. */
export function checkOptimizerConfig(config: OptimizerConfig, where = 'optimizer'): void {
  const c = checkObject(where, config);
  checkChoice(`${where}.type`, c.type, ['sgd', 'adam', 'adamw']);
  optionalNumber(`${where}.weightDecay`, c.weightDecay, { min: 0 });
  if (c.type === 'sgd') {
    const momentum = c.momentum ?? 0.9;
    checkNumber(`${where}.momentum`, momentum, { min: 0, max: 1 });
    const dampening = checkNumber(`${where}.dampening`, c.dampening ?? 0, { min: 0, max: 1 });
    if (c.nesterov && (momentum === 0 || dampening !== 0)) {
      throw new RangeError(`${where}: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${String(momentum)}, dampening ${dampening}`);
    }
  } else {
    optionalNumber(`${where}.beta1`, c.beta1, { min: 0, max: 1, maxExclusive: true });
    optionalNumber(`${where}.beta2`, c.beta2, { min: 0, max: 1, maxExclusive: true });
    optionalNumber(`${where}.epsilon`, c.epsilon, { min: 0, minExclusive: true });
  }
}

/** Learning-rate schedule: known type, rates > 0 (piecewise: ≥ 0, not all 0), decay factors, milestones. */
export function checkScheduleConfig(schedule: ScheduleConfig, where = 'schedule'): void {
  const s = checkObject(where, schedule);
  checkChoice(`${where}.type`, s.type, ['constant', 'step', 'multistep', 'cosine', 'piecewise', 'onecycle']);
  const positive = { min: 0, minExclusive: true };
  if (s.type === 'piecewise') return checkPiecewise(s.points, `${where}.points`);
  if (s.type === 'onecycle') {
    checkNumber(`${where}.maxLr`, s.maxLr, positive);
    optionalNumber(`${where}.peakFraction`, s.peakFraction, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    return;
  }
  const lr = checkNumber(`${where}.lr`, s.lr, positive);
  optionalNumber(`${where}.warmupEpochs`, s.warmupEpochs, { min: 0 });
  if (s.type === 'step' || s.type === 'multistep') optionalNumber(`${where}.gamma`, s.gamma, positive);
  if (s.type === 'step') checkNumber(`${where}.stepSize`, s.stepSize, positive);
  if (s.type === 'cosine') optionalNumber(`${where}.minLr`, s.minLr, { min: 0, max: lr });
  if (s.type === 'multistep') {
    const m = s.milestones;
    if (!Array.isArray(m) || m.some((v, i) => !(Number.isFinite(v) && v >= 0 && (i === 0 || v >= m[i - 1])))) {
      throw new RangeError(`${where}.milestones must be epochs ≥ 0 in increasing order, got ${JSON.stringify(m)}`);
    }
  }
}

function checkPiecewise(points: unknown, where: string): void {
  const ok =
    Array.isArray(points) &&
    points.length > 0 &&
    points.every((p, i) => Array.isArray(p) && p.length === 2 && Number.isFinite(p[0]) && p[0] >= 0 && Number.isFinite(p[1]) && p[1] >= 0 && (i === 0 || p[0] >= points[i - 1][0]));
  if (!ok) throw new RangeError(`${where} must be [epoch, lr] pairs with epochs ≥ 0 in increasing order and lr ≥ 0, got ${JSON.stringify(points)}`);
  if (!points.some((p: number[]) => p[1] > 0)) throw new RangeError(`${where}: every learning rate is 0, so nothing would be trained`);
}

/** Training mode: known type, mixing α > 0, adversarial ε in (0, 1], steps ≥ 1, step size in (0, 1], AugMix λ ≥ 0. */
export function checkTrainingMode(mode: TrainingMode, where = 'mode'): void {
  const m = checkObject(where, mode);
  checkChoice(`${where}.type`, m.type, ['standard', 'mixup', 'cutmix', 'pgd', 'fgsm-rs', 'augmix']);
  const positive = { min: 0, minExclusive: true };
  if (m.type === 'mixup') checkNumber(`${where}.alpha`, m.alpha, positive);
  if (m.type === 'cutmix') {
    optionalNumber(`${where}.alpha`, m.alpha, positive);
    optionalNumber(`${where}.prob`, m.prob, { min: 0, max: 1 });
  }
  if (m.type === 'pgd' || m.type === 'fgsm-rs') {
    // Images are in [0, 1]: ε and steps are in those units (8/255, not 8).
    checkNumber(`${where}.eps`, m.eps, { min: 0, max: 1, minExclusive: true });
    optionalNumber(`${where}.stepSize`, m.stepSize, { min: 0, max: 1, minExclusive: true });
    optionalNumber(`${where}.cleanFraction`, m.cleanFraction, { min: 0, max: 1 });
    if (m.bnMode !== undefined) checkChoice(`${where}.bnMode`, m.bnMode, ['eval', 'train']);
  }
  if (m.type === 'pgd') optionalInteger(`${where}.steps`, m.steps, 1);
  if (m.type === 'augmix') {
    if (m.jsd !== undefined && typeof m.jsd !== 'boolean') throw new TypeError(`${where}.jsd must be a boolean, got ${JSON.stringify(m.jsd)}`);
    optionalNumber(`${where}.jsdWeight`, m.jsdWeight, { min: 0 });
  }
}

/** Evaluation options: attack specs (ε in [0, 1]) and example counts. */
export function checkEvaluateOptions(options: EvaluateOptions | undefined, where = 'evaluate'): void {
  if (options === undefined) return;
  const o = checkObject(where, options);
  optionalInteger(`${where}.maxExamples`, o.maxExamples, 1);
  optionalInteger(`${where}.attackMaxExamples`, o.attackMaxExamples, 0);
  optionalInteger(`${where}.bins`, o.bins, 1);
  optionalInteger(`${where}.keepExamples`, o.keepExamples, 0);
  optionalNumber(`${where}.seed`, o.seed, {});
  if (o.attacks === undefined) return;
  if (!Array.isArray(o.attacks)) throw new TypeError(`${where}.attacks must be an array of attack specs`);
  o.attacks.forEach((a, i) => checkAttackSpec(a, `${where}.attacks[${i}]`));
}

function checkAttackSpec(spec: AttackSpec, where: string): void {
  const a = checkObject(where, spec);
  checkChoice(`${where}.type`, a.type, ['pgd', 'fgsm', 'fgsm-rs']);
  checkNumber(`${where}.eps`, a.eps, { min: 0, max: 1 });
  optionalNumber(`${where}.stepSize`, a.stepSize, { min: 0, max: 1, minExclusive: true });
  optionalInteger(`${where}.steps`, a.steps, 0);
  optionalInteger(`${where}.restarts`, a.restarts, 1);
  if (a.name !== undefined && (typeof a.name !== 'string' || a.name === '')) throw new TypeError(`${where}.name must be a non-empty string`);
}

/** Every serialisable hyper-parameter of a training run, as `train` checks them first. */
export interface HyperParameters {
  epochs: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  mode?: TrainingMode;
  labelSmoothing?: number;
  gradClipNorm?: number;
  evaluate?: EvaluateOptions;
  finalEvaluate?: EvaluateOptions;
}

/**
 * Checks a run's hyper-parameters (epochs, optimiser, schedule, mode, label smoothing, clipping,
 * evaluation attacks) and throws a RangeError / TypeError naming the first bad one and its value.
 * Pure: no tensors, no files.
 */
export function checkHyperParameters(h: HyperParameters, fn = 'train'): void {
  checkInteger(`${fn}: epochs`, h.epochs, 1);
  checkOptimizerConfig(h.optimizer, `${fn}: optimizer`);
  checkScheduleConfig(h.schedule, `${fn}: schedule`);
  if (h.mode !== undefined) checkTrainingMode(h.mode, `${fn}: mode`);
  optionalNumber(`${fn}: labelSmoothing`, h.labelSmoothing, { min: 0, max: 1, maxExclusive: true });
  optionalNumber(`${fn}: gradClipNorm`, h.gradClipNorm, { min: 0, minExclusive: true });
  checkEvaluateOptions(h.evaluate, `${fn}: evaluate`);
  checkEvaluateOptions(h.finalEvaluate, `${fn}: finalEvaluate`);
}
