import { join, resolve } from 'node:path';
import {
  attackSpecs,
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
import type { CliArgs } from './args.js';

/**
 * Defaults following the ImageNet recipes that are friendly to batch normalisation (He et al. 2016,
 * Goyal et al. 2017, torchvision's reference): ResNet-50 with the ImageNet stem, SGD momentum 0.9,
 * weight decay 1e-4, learning rate 0.1 per 256 images (scaled linearly with the batch size), 90
 * epochs, ×0.1 every 30 epochs (or cosine); 224-pixel crops. Adversarial training at ε = 4/255
 * (the usual ImageNet radius), evaluation under PGD-10 with step ε/4.
 */
export const DEFAULTS = {
  model: 'resnet50',
  epochs: 90,
  batchSize: 256,
  /** Learning rate for a batch of 256; the run uses `lrPer256 · batchSize / 256`. */
  lrPer256: 0.1,
  schedule: 'step' as ScheduleName,
  stepEpochs: 30,
  warmup: 0,
  momentum: 0.9,
  weightDecay: 1e-4,
  imageSize: 224,
  eps: 4 / 255,
  pgdSteps: 7,
  evalAttack: 'pgd-10',
  /** Validation images attacked in the final evaluation. */
  attackLimit: 500,
};

/** Fast adversarial training on ImageNet (Wong et al. 2020): FGSM-RS, cyclic LR, 15 epochs. */
export const FGSM_RS_DEFAULTS = { epochs: 15, schedule: 'onecycle' as ScheduleName, lrPer256: 0.2 };

export interface RunConfig extends CommonRunConfig {
  /** ImageNet-style root with `train/<class>/*.jpg` and `val/<class>/*.jpg`. */
  dataRoot: string;
  trainDir: string;
  valDir: string;
  imageSize: number;
  /** Shorter side the validation images are resized to before the center crop (256 for 224). */
  evalResize: number;
}

export interface ConfigContext {
  cwd: string;
  now: Date;
}

/**
 * Applies the defaults to the parsed flags. Precedence: an explicit flag, then the adversarial
 * mode's defaults (FGSM-RS: one-cycle, 15 epochs), then the ImageNet defaults. The default
 * learning rate scales with the batch size (0.1 per 256 images); an explicit `--lr` is used as is.
 */
export function resolveConfig(args: CliArgs, ctx: ConfigContext): RunConfig {
  if (args.data === undefined) {
    throw new CliError('--data DIR is required: an ImageNet-style folder with train/<class>/*.jpg and val/<class>/*.jpg');
  }
  checkResumeHasOut(args);
  const fgsm = args.adv === 'fgsm-rs';
  const epochs = args.epochs ?? (fgsm ? FGSM_RS_DEFAULTS.epochs : DEFAULTS.epochs);
  const batchSize = args.batchSize ?? DEFAULTS.batchSize;
  const lr = args.lr ?? ((fgsm ? FGSM_RS_DEFAULTS.lrPer256 : DEFAULTS.lrPer256) * batchSize) / 256;
  const scheduleName = args.schedule ?? (fgsm ? FGSM_RS_DEFAULTS.schedule : DEFAULTS.schedule);
  const warmup = args.warmup ?? DEFAULTS.warmup;
  if (warmup >= epochs && warmup > 0) throw new CliError(`--warmup ${warmup} must be shorter than --epochs ${epochs}`);
  const eps = args.eps ?? DEFAULTS.eps;
  const weightDecay = args.weightDecay ?? DEFAULTS.weightDecay;
  const optimizer = optimizerConfig(args, DEFAULTS.momentum, weightDecay);
  const model = args.model ?? DEFAULTS.model;
  const mode = trainingMode(args, eps, DEFAULTS.pgdSteps);
  // ×0.1 every 30 epochs of 90; shorter runs keep the same proportions.
  const step = (lr: number, warm: { warmupEpochs?: number }): ScheduleConfig =>
    ({ type: 'step', lr, stepSize: Math.max(1, Math.round((epochs * DEFAULTS.stepEpochs) / DEFAULTS.epochs)), gamma: 0.1, ...warm });
  const imageSize = args.imageSize ?? DEFAULTS.imageSize;
  const dataRoot = resolve(ctx.cwd, args.data);
  return {
    dataRoot,
    trainDir: join(dataRoot, 'train'),
    valDir: join(dataRoot, 'val'),
    model,
    modelOverrides: { ...(args.widths ? { widths: args.widths } : {}), ...(args.depths ? { depths: args.depths } : {}) },
    imageSize,
    evalResize: Math.round((imageSize * 256) / 224),
    epochs,
    batchSize,
    optimizer,
    schedule: scheduleConfig(scheduleName, lr, warmup, step),
    mode,
    labelSmoothing: args.labelSmoothing ?? 0,
    evalAttacks: attackSpecs(args, eps, 10),
    attackLimit: args.attackLimit ?? DEFAULTS.attackLimit,
    ...(args.trainLimit !== undefined ? { trainLimit: args.trainLimit } : {}),
    ...(args.testLimit !== undefined ? { testLimit: args.testLimit } : {}),
    backend: args.backend,
    seed: args.seed,
    outDir: resolve(ctx.cwd, args.out ?? join('runs', `imagenet-${model}-${mode.type}-${timestamp(ctx.now)}`)),
    resume: args.resume,
    forceResume: args.forceResume,
    progress: args.progress,
    ...(args.checkpointEvery !== undefined ? { checkpointEvery: args.checkpointEvery } : {}),
    ...(args.augmix ? { augmix: args.augmix } : {}),
    // The corruption evaluation uses as many test images as the attacks by default.
    ...(args.evalCorruptions ? { corruptionEval: { corruptions: args.evalCorruptions.corruptions, limit: args.evalCorruptions.limit ?? DEFAULTS.attackLimit } } : {}),
  };
}
