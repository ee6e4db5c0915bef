import { join, resolve } from 'node:path';
import type { AttackSpec, OptimizerConfig, ScheduleConfig, TrainingMode } from '@cnn/train';
import type { AdvMode, BackendFlag, CliArgs, DatasetName, ProgressFlag, ScheduleName } from './args.js';
import { CliError } from './cli-error.js';

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
 * with this example, sized to finish in about 5 minutes on 2 CPU cores with the wasm backend.
 */
export const OFFLINE_DEFAULTS = {
  model: 'resnet20',
  epochs: 10,
  batchSize: 64,
  /** Half the full-run rate: with 18 steps per epoch, 0.1 overshoots (measured: 33–35% vs 39%). */
  lr: 0.05,
  warmup: 1,
  attackLimit: 100,
};

/** Everything a run needs, with every default applied. Recorded in checkpoints and the report. */
export interface RunConfig {
  /** True when running on the committed sample (no `--data` / `--download`). */
  offline: boolean;
  dataset: DatasetName;
  numClasses: number;
  /** Directory handed to the CIFAR reader (contains `cifar-10-batches-bin/` or is it). */
  dataRoot: string;
  download: boolean;
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
  progress: ProgressFlag;
  checkpointEvery?: number;
}

/** Where things are: the committed sample, the working directory, and the clock (for run names). */
export interface ConfigContext {
  /** Directory holding the committed sample's `cifar-10-batches-bin/`. */
  sampleRoot: string;
  cwd: string;
  now: Date;
}

function scheduleConfig(name: ScheduleName, lr: number, epochs: number, warmup: number): ScheduleConfig {
  const warm = warmup > 0 ? { warmupEpochs: warmup } : {};
  switch (name) {
    case 'cosine':
      return { type: 'cosine', lr, ...warm };
    case 'step':
      // He et al. 2016 / Madry et al. 2018: divide by 10 at 50% and 75% of the run.
      return { type: 'multistep', lr, milestones: [Math.round(epochs * 0.5), Math.round(epochs * 0.75)], gamma: 0.1, ...warm };
    case 'onecycle':
      if (warmup > 0) throw new CliError('--warmup does not apply to --schedule onecycle (its first 40% is the warm-up)');
      return { type: 'onecycle', maxLr: lr };
    case 'constant':
      return { type: 'constant', lr, ...warm };
  }
}

function trainingMode(args: CliArgs, eps: number): TrainingMode {
  if (args.mixup !== undefined) return { type: 'mixup', alpha: args.mixup };
  if (args.cutmix !== undefined) return { type: 'cutmix', alpha: args.cutmix };
  const adv: AdvMode | undefined = args.adv;
  if (adv === 'pgd') {
    return {
      type: 'pgd',
      eps,
      steps: args.steps ?? FULL_DEFAULTS.pgdSteps,
      // Madry et al.: step 2/255 for ε = 8/255, i.e. ε/4.
      stepSize: args.stepSize ?? eps / 4,
      ...(args.cleanFraction !== undefined ? { cleanFraction: args.cleanFraction } : {}),
    };
  }
  if (adv === 'fgsm-rs') {
    return {
      type: 'fgsm-rs',
      eps,
      // Wong et al. 2020: α = 1.25 ε.
      stepSize: args.stepSize ?? 1.25 * eps,
      ...(args.cleanFraction !== undefined ? { cleanFraction: args.cleanFraction } : {}),
    };
  }
  return { type: 'standard' };
}

function attackSpecs(args: CliArgs, eps: number): AttackSpec[] {
  const flags = args.evalAttacks ?? [{ type: 'pgd' as const, steps: 20 }];
  if (flags.length > 0 && eps === 0) throw new CliError('--eps 0 leaves nothing to attack: use --eval-attack none');
  return flags.map((f) =>
    f.type === 'pgd'
      ? // step ε/4 (2/255 at 8/255), as the PGD-20 evaluations of Madry et al. and Rice et al.
        { name: `pgd-${f.steps}`, type: 'pgd', eps, steps: f.steps, stepSize: eps / 4, randomStart: true }
      : { name: 'fgsm', type: 'fgsm', eps },
  );
}

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
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
  if (args.resume && args.out === undefined) {
    throw new CliError('--resume needs --out DIR: the directory of the run to continue');
  }
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

  const optimizer: OptimizerConfig =
    args.optimizer === 'sgd'
      ? { type: 'sgd', momentum: args.momentum ?? FULL_DEFAULTS.momentum, nesterov: args.nesterov, weightDecay }
      : { type: args.optimizer, weightDecay };
  const model = args.model ?? (offline ? OFFLINE_DEFAULTS.model : FULL_DEFAULTS.model);
  const mode = trainingMode(args, eps);
  const outDir = resolve(
    ctx.cwd,
    args.out ?? join('runs', `${args.dataset}-${model}-${mode.type}-${timestamp(ctx.now)}`),
  );
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
    schedule: scheduleConfig(scheduleName, lr, epochs, warmup),
    mode,
    labelSmoothing: args.labelSmoothing ?? 0,
    evalAttacks: attackSpecs(args, eps),
    attackLimit: args.attackLimit ?? (offline ? OFFLINE_DEFAULTS.attackLimit : FULL_DEFAULTS.attackLimit),
    ...(args.trainLimit !== undefined ? { trainLimit: args.trainLimit } : {}),
    ...(args.testLimit !== undefined ? { testLimit: args.testLimit } : {}),
    backend: args.backend,
    seed: args.seed,
    outDir,
    resume: args.resume,
    progress: args.progress,
    ...(args.checkpointEvery !== undefined ? { checkpointEvery: args.checkpointEvery } : {}),
  };
}
