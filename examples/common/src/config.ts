import { existsSync } from 'node:fs';
import type { AttackSpec, OptimizerConfig, ScheduleConfig, TrainingMode } from '@cnn/train';
import { CliError } from './cli-error.js';
import type { AugmixFlags, BackendFlag, CommonArgs, CorruptionFlags, ProgressFlag, ScheduleName } from './flags.js';

/** The part of a run's configuration every example has, with every default applied. */
export interface CommonRunConfig {
  model: string;
  /** Registry overrides for the model (`--widths`, `--depths`). */
  modelOverrides: { widths?: number[]; depths?: number[] };
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  mode: TrainingMode;
  labelSmoothing: number;
  /** Attacks of the final evaluation (ε in [0, 1] pixel units). */
  evalAttacks: AttackSpec[];
  /** Test images attacked in the final evaluation. */
  attackLimit: number;
  trainLimit?: number;
  testLimit?: number;
  backend: BackendFlag;
  seed: number;
  outDir: string;
  resume: boolean;
  /** Resume even with settings that differ from the checkpoint's (`--force-resume`). */
  forceResume: boolean;
  progress: ProgressFlag;
  checkpointEvery?: number;
  /** AugMix's data-side settings (with `mode.type` 'augmix'). */
  augmix?: AugmixFlags;
  /** Corruption robustness of the final model (`--eval-corruptions`), on the first `limit` test images. */
  corruptionEval?: Required<CorruptionFlags>;
}

/**
 * The schedule for `--schedule NAME`. `step` differs per data set (CIFAR: ×0.1 at 50% and 75%;
 * ImageNet: ×0.1 every 30 of 90 epochs), so the example supplies it; `warm` is `{ warmupEpochs }`
 * or `{}`. `onecycle` has its own warm-up, so an explicit `--warmup` with it is an error.
 */
export function scheduleConfig(
  name: ScheduleName,
  lr: number,
  warmup: number,
  step: (lr: number, warm: { warmupEpochs?: number }) => ScheduleConfig,
): ScheduleConfig {
  const warm = warmup > 0 ? { warmupEpochs: warmup } : {};
  switch (name) {
    case 'cosine':
      return { type: 'cosine', lr, ...warm };
    case 'step':
      return step(lr, warm);
    case 'onecycle':
      if (warmup > 0) throw new CliError('--warmup does not apply to --schedule onecycle (its first 40% is the warm-up)');
      return { type: 'onecycle', maxLr: lr };
    case 'constant':
      return { type: 'constant', lr, ...warm };
  }
}

/** The optimizer: SGD with momentum / Nesterov, or Adam / AdamW; `weightDecay` already defaulted. */
export function optimizerConfig(args: CommonArgs, defaultMomentum: number, weightDecay: number): OptimizerConfig {
  return args.optimizer === 'sgd'
    ? { type: 'sgd', momentum: args.momentum ?? defaultMomentum, nesterov: args.nesterov, weightDecay }
    : { type: args.optimizer, weightDecay };
}

/**
 * The training mode of the flags: mixup, CutMix, PGD (Madry et al. 2018: step ε/4, i.e. 2/255 at
 * 8/255), FGSM-RS (Wong et al. 2020: α = 1.25 ε) or AugMix (Hendrycks et al. 2020, Jensen–Shannon
 * loss with λ = 12 unless --no-jsd), else standard. `eps` in [0, 1] pixel units.
 */
export function trainingMode(args: CommonArgs, eps: number, defaultPgdSteps: number): TrainingMode {
  if (args.mixup !== undefined) return { type: 'mixup', alpha: args.mixup };
  if (args.augmix) return { type: 'augmix', jsd: args.augmix.jsd, jsdWeight: args.augmix.jsdWeight };
  if (args.cutmix !== undefined) return { type: 'cutmix', alpha: args.cutmix };
  const clean = {
    ...(args.cleanFraction !== undefined ? { cleanFraction: args.cleanFraction } : {}),
    ...(args.attackBn !== undefined ? { bnMode: args.attackBn } : {}),
  };
  if (args.adv === 'pgd') return { type: 'pgd', eps, steps: args.steps ?? defaultPgdSteps, stepSize: args.stepSize ?? eps / 4, ...clean };
  if (args.adv === 'fgsm-rs') return { type: 'fgsm-rs', eps, stepSize: args.stepSize ?? 1.25 * eps, ...clean };
  return { type: 'standard' };
}

/**
 * The final evaluation's attacks from `--eval-attack` (default PGD with `defaultPgdSteps` steps).
 * PGD steps are ε/4 (2/255 at 8/255), as the PGD-20 evaluations of Madry et al. and Rice et al.
 */
export function attackSpecs(args: CommonArgs, eps: number, defaultPgdSteps: number): AttackSpec[] {
  const flags = args.evalAttacks ?? [{ type: 'pgd' as const, steps: defaultPgdSteps }];
  if (flags.length > 0 && eps === 0) throw new CliError('--eps 0 leaves nothing to attack: use --eval-attack none');
  return flags.map((f) =>
    f.type === 'pgd'
      ? { name: `pgd-${f.steps}`, type: 'pgd', eps, steps: f.steps, stepSize: eps / 4, randomStart: true }
      : { name: 'fgsm', type: 'fgsm', eps },
  );
}

/** `YYYYMMDD-hhmmss` in local time, for default run directory names. */
export function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A run needs a directory to resume: `--resume` without `--out` is an error. */
export function checkResumeHasOut(args: CommonArgs): void {
  if (args.resume && args.out === undefined) {
    throw new CliError(`${args.forceResume ? '--force-resume' : '--resume'} needs --out DIR: the directory of the run to continue`);
  }
}

/** `--resume` continues a run directory that must exist (checked before any backend starts). */
export function checkResumeDirExists(config: CommonRunConfig): void {
  if (config.resume && !existsSync(config.outDir)) {
    throw new CliError(`${config.forceResume ? '--force-resume' : '--resume'}: run directory "${config.outDir}" does not exist`);
  }
}
