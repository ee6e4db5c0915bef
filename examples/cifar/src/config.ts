import { join, resolve } from 'node:path';
import {
  attackSpecs,
  CORRUPTION_NAMES,
  checkResumeHasOut,
  CliError,
  optimizerConfig,
  scheduleConfig,
  timestamp,
  trainingMode,
  type CommonRunConfig,
  type ScheduleName,
} from '@cnn/example-common';
import type { ScheduleConfig } from '@cnn/train';
import type { CliArgs, DatasetName } from './args.js';

/**
 * Defaults of a full run, following the papers: ResNet-18 (CIFAR stem) trained with SGD 0.1,
 * momentum 0.9, weight decay 5e-4 and a cosine schedule for 200 epochs, batch 128; adversarial
 * training at ε = 8/255 with PGD-7, step 2/255 (Madry et al. 2018); evaluation under PGD-20.
 */
export const FULL_DEFAULTS = {
  model: 'resnet18',
  epochs: 200,
  batchSize: 128,
  lr: 0.1,
  schedule: 'cosine' as ScheduleName,
  warmup: 0,
  momentum: 0.9,
  weightDecay: 5e-4,
  eps: 8 / 255,
  pgdSteps: 7,
  evalAttack: 'pgd-20',
  /** Test images attacked in the final evaluation (PGD-20 on all 10k takes hours on a CPU). */
  attackLimit: 1000,
};

/**
 * Fast adversarial training (Wong et al. 2020): FGSM from a random start with a cyclic
 * (one-cycle) learning rate peaking at 0.2, 15 epochs on CIFAR-10.
 */
export const FGSM_RS_DEFAULTS = { epochs: 15, lr: 0.2, schedule: 'onecycle' as ScheduleName };

/**
 * The offline default (no `--data`, no `--download`): ResNet-20 on the CIFAR-10 sample committed
 * with this example, sized to finish in about 1–2 minutes on 2 CPU cores with the wasm backend (see
 * "Timing of the offline default" in the README).
 */
export const OFFLINE_DEFAULTS = {
  model: 'resnet20',
  epochs: 10,
  batchSize: 64,
  /** Half the full-run rate: with 18 steps per epoch, 0.1 overshoots (measured: 33–35% vs 39%). */
  lr: 0.05,
  warmup: 1,
  attackLimit: 100,
  /** A small corruption evaluation in every offline report: 19 corruptions × 5 severities × 20 images (a few seconds). */
  corruptionLimit: 20,
};

/** Everything a run needs, with every default applied. Recorded in checkpoints and the report. */
export interface RunConfig extends CommonRunConfig {
  /** True when running on the committed sample (no `--data` / `--download`). */
  offline: boolean;
  dataset: DatasetName;
  numClasses: number;
  /** Directory handed to the CIFAR reader (contains `cifar-10-batches-bin/` or is it). */
  dataRoot: string;
  download: boolean;
}

/** Where things are: the committed sample, the working directory, and the clock (for run names). */
export interface ConfigContext {
  /** Directory holding the committed sample's `cifar-10-batches-bin/`. */
  sampleRoot: string;
  cwd: string;
  now: Date;
}

/**
 * Applies the defaults to the parsed flags. Precedence: an explicit flag, then the adversarial
 * mode's defaults (FGSM-RS: one-cycle 0.2), then the offline sample's sizes (when neither `--data`
 * nor `--download` is given), then the full-run defaults.
 */
export function resolveConfig(args: CliArgs, ctx: ConfigContext): RunConfig {
  const offline = args.data === undefined && !args.download;
  if (offline && args.dataset !== 'cifar10') {
    throw new CliError(`--dataset ${args.dataset} needs --data DIR or --download: the committed sample is CIFAR-10`);
  }
  checkResumeHasOut(args);
  const fgsm = args.adv === 'fgsm-rs';
  const epochs = args.epochs ?? (offline ? OFFLINE_DEFAULTS.epochs : fgsm ? FGSM_RS_DEFAULTS.epochs : FULL_DEFAULTS.epochs);
  const lr = args.lr ?? (fgsm ? FGSM_RS_DEFAULTS.lr : offline ? OFFLINE_DEFAULTS.lr : FULL_DEFAULTS.lr);
  const scheduleName = args.schedule ?? (fgsm ? FGSM_RS_DEFAULTS.schedule : FULL_DEFAULTS.schedule);
  // The offline warm-up is dropped for runs too short to have one (e.g. a 1-epoch smoke test).
  const defaultWarmup = offline && epochs > 2 * OFFLINE_DEFAULTS.warmup ? OFFLINE_DEFAULTS.warmup : FULL_DEFAULTS.warmup;
  const warmup = args.warmup ?? (scheduleName === 'onecycle' ? 0 : defaultWarmup);
  if (warmup >= epochs && warmup > 0) throw new CliError(`--warmup ${warmup} must be shorter than --epochs ${epochs}`);
  const eps = args.eps ?? FULL_DEFAULTS.eps;
  const weightDecay = args.weightDecay ?? FULL_DEFAULTS.weightDecay;

  const optimizer = optimizerConfig(args, FULL_DEFAULTS.momentum, weightDecay);
  const model = args.model ?? (offline ? OFFLINE_DEFAULTS.model : FULL_DEFAULTS.model);
  const mode = trainingMode(args, eps, FULL_DEFAULTS.pgdSteps);
  const outDir = resolve(
    ctx.cwd,
    args.out ?? join('runs', `${args.dataset}-${model}-${mode.type}-${timestamp(ctx.now)}`),
  );
  // He et al. 2016 / Madry et al. 2018: divide by 10 at 50% and 75% of the run.
  const step = (lr: number, warm: { warmupEpochs?: number }): ScheduleConfig =>
    ({ type: 'multistep', lr, milestones: [Math.round(epochs * 0.5), Math.round(epochs * 0.75)], gamma: 0.1, ...warm });
  return {
    offline,
    dataset: args.dataset,
    numClasses: args.dataset === 'cifar100' ? 100 : 10,
    dataRoot: offline ? ctx.sampleRoot : resolve(ctx.cwd, args.data ?? 'data'),
    download: args.download,
    model,
    modelOverrides: { ...(args.widths ? { widths: args.widths } : {}), ...(args.depths ? { depths: args.depths } : {}) },
    epochs,
    batchSize: args.batchSize ?? (offline ? OFFLINE_DEFAULTS.batchSize : FULL_DEFAULTS.batchSize),
    optimizer,
    schedule: scheduleConfig(scheduleName, lr, warmup, step),
    mode,
    labelSmoothing: args.labelSmoothing ?? 0,
    evalAttacks: attackSpecs(args, eps, 20),
    attackLimit: args.attackLimit ?? (offline ? OFFLINE_DEFAULTS.attackLimit : FULL_DEFAULTS.attackLimit),
    ...(args.trainLimit !== undefined ? { trainLimit: args.trainLimit } : {}),
    ...(args.testLimit !== undefined ? { testLimit: args.testLimit } : {}),
    backend: args.backend,
    seed: args.seed,
    outDir,
    resume: args.resume,
    forceResume: args.forceResume,
    progress: args.progress,
    ...(args.checkpointEvery !== undefined ? { checkpointEvery: args.checkpointEvery } : {}),
    ...(args.augmix ? { augmix: args.augmix } : {}),
    ...corruptionEvalConfig(args, offline),
  };
}

/**
 * `--eval-corruptions`: as given (as many test images as the attacks by default); `none` turns it
 * off; without the flag the offline default runs a small one (all 19, {@link OFFLINE_DEFAULTS}.corruptionLimit images).
 */
function corruptionEvalConfig(args: CliArgs, offline: boolean): Pick<RunConfig, 'corruptionEval'> {
  const flags = args.evalCorruptions ?? (offline ? { corruptions: [...CORRUPTION_NAMES], limit: OFFLINE_DEFAULTS.corruptionLimit } : undefined);
  if (!flags || flags.corruptions.length === 0) return {};
  return { corruptionEval: { corruptions: flags.corruptions, limit: flags.limit ?? (offline ? OFFLINE_DEFAULTS.attackLimit : FULL_DEFAULTS.attackLimit) } };
}
