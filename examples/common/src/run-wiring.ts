import { backendInfo, initBackend } from '@cnn/backend';
import { augmixTransform, loader, type Dataset, type LoaderOptions, type RandomCropFlipOptions, type SampleTransform } from '@cnn/data';
import type { Model, ModelOptions } from '@cnn/models';
import { loadCorruptFunction, type CorruptFunction, type TrainHistory, type TrainOptions } from '@cnn/train';
import { train } from '@cnn/train/node';
import { CliError } from './cli-error.js';
import type { CommonRunConfig } from './config.js';
import { modelOptionsFor } from './model-options.js';
import { say } from './run-dir.js';
import { finalSummary } from './summary.js';

/** {@link modelOptionsFor} with a bad name or shape as a {@link CliError} naming `--model`. */
export function modelOptionsOrUsageError(config: CommonRunConfig, base: ModelOptions): ModelOptions {
  try {
    return modelOptionsFor(config.model, base, config.modelOverrides);
  } catch (error) {
    throw new CliError(`--model ${config.model}: ${(error as Error).message}`);
  }
}

/** Starts the backend of `--backend`, prints which one and why, and returns its description for the report. */
export async function startBackend(config: CommonRunConfig): Promise<ReturnType<typeof backendInfo>> {
  const choice = await initBackend(config.backend);
  const info = backendInfo();
  say(`backend: ${choice.backend} (${choice.reason})`);
  return info;
}

/** The training mode in words, for the console and the report title. */
export function describeMode(config: CommonRunConfig): string {
  const m = config.mode;
  switch (m.type) {
    case 'standard':
      return 'standard';
    case 'mixup':
      return `mixup α=${m.alpha}`;
    case 'cutmix':
      return `cutmix α=${m.alpha ?? 1}`;
    case 'pgd':
      return `PGD-${m.steps} adversarial ε=${(m.eps * 255).toFixed(1)}/255`;
    case 'fgsm-rs':
      return `FGSM-RS adversarial ε=${(m.eps * 255).toFixed(1)}/255`;
    case 'augmix':
      return m.jsd === false ? 'AugMix' : `AugMix + JSD λ=${m.jsdWeight ?? 12}`;
  }
}

/**
 * The training transform of `--augmix`: `augmixTransform` of `@cnn/data` (three views per image
 * with the Jensen–Shannon loss, one without) after `base`, the crop/flip of the trainer:
 * `RandomCropFlipOptions` (`{}`: flip, then 32×32 crop with padding 4, as cifar.py) or `false` when
 * the data set already crops and flips (ImageNet folders with the training transform).
 */
export function augmixTrainTransform(config: CommonRunConfig, base: RandomCropFlipOptions | false): SampleTransform {
  const a = config.augmix;
  if (!a) throw new Error('augmixTrainTransform: the config has no augmix settings');
  return augmixTransform({ severity: a.severity, width: a.width, depth: a.depth, alpha: a.alpha, allOps: a.allOps, jsd: a.jsd, base });
}

/** `corrupt` of `@cnn/corruptions` for `--eval-corruptions`, loaded before training so that a missing package stops the run first. */
async function corruptFunction(): Promise<CorruptFunction> {
  try {
    return await loadCorruptFunction();
  } catch (error) {
    throw new CliError(`--eval-corruptions: ${(error as Error).message}`);
  }
}

/** The `corruptionEval` option of `train` for `--eval-corruptions` (absent without it). */
export async function corruptionEvalOption(config: CommonRunConfig, evalSet: Dataset): Promise<Pick<TrainOptions, 'corruptionEval'>> {
  const c = config.corruptionEval;
  if (!c) return {};
  const corrupt = await corruptFunction();
  // One corruption of the first test image now, so that an image size the corruptions do not
  // support (their constants are for 32×32 and 224×224) stops the run before training, not after.
  const first = await evalSet.get(0);
  try {
    corrupt({ image: first.image, height: first.height, width: first.width }, c.corruptions[0], 1, { seed: 0 });
  } catch (error) {
    throw new CliError(`--eval-corruptions: the ${first.width}×${first.height} test images cannot be corrupted: ${(error as Error).message}`);
  }
  return { corruptionEval: { dataset: evalSet, options: { corruptions: c.corruptions, limit: Math.min(c.limit, evalSet.length), seed: config.seed, corrupt } } };
}

/** What {@link trainAndReport} needs besides the config: the model, the data and the names. */
export interface TrainAndReportOptions<C extends CommonRunConfig> {
  /** The command name (`cnn-cifar`), for the report title and the recorded command line. */
  name: string;
  config: C;
  argv: string[];
  /** `performance.now()` when the run started (for the closing "done in" line). */
  started: number;
  /** The model to train; the caller disposes it. */
  model: Model;
  trainSet: Dataset;
  evalSet: Dataset;
  classNames: readonly string[];
  /** Extra loader options of the training data (e.g. CIFAR's crop + flip transform). */
  trainLoaderOptions?: Partial<LoaderOptions>;
  /**
   * The crop/flip before AugMix (`--augmix`, which replaces the loader's transform). Default: `{}`
   * (cifar.py's flip + crop with padding 4) when the trainer has a loader transform, else `false`
   * (the data set crops and flips itself).
   */
  augmixBase?: RandomCropFlipOptions | false;
  evalBatch: number;
  /** Images kept for the report's clean-vs-adversarial grid. */
  reportExamples: number;
  /** What the report title says the model was trained on. */
  trainedOn: string;
  /** The backend description of {@link startBackend}, recorded in the report. */
  backend: ReturnType<typeof backendInfo>;
}

/**
 * Prints the model and output lines, runs `train` of `@cnn/train/node` (checkpoints, metrics.jsonl,
 * final evaluation with the attacks and calibration, report.html in `config.outDir`) and prints the
 * outcome. Returns the exit code (0, or 130 when stopped by Ctrl-C after checkpointing).
 */
export async function trainAndReport<C extends CommonRunConfig>(o: TrainAndReportOptions<C>): Promise<number> {
  const { config, model, trainSet, evalSet } = o;
  say(
    `model: ${config.model} (${model.numParameters().toLocaleString('en-US')} parameters); mode ${describeMode(config)}; ` +
      `${config.epochs} epoch${config.epochs === 1 ? '' : 's'} × ${Math.floor(trainSet.length / config.batchSize)} steps of ${config.batchSize}`,
  );
  say(`output: ${config.outDir}`);

  const augmixBase = o.augmixBase ?? (o.trainLoaderOptions?.transform ? {} : false);
  const trainOptions = config.augmix ? { ...o.trainLoaderOptions, transform: augmixTrainTransform(config, augmixBase) } : o.trainLoaderOptions;
  // Before the first step: a missing corruption package stops the run here, not after training.
  const corruptions = await corruptionEvalOption(config, evalSet);
  const base = loader(trainSet, { batchSize: config.batchSize, shuffle: true, seed: config.seed, dropLast: true, ...trainOptions });
  const attackLimit = Math.min(config.attackLimit, evalSet.length);
  const history = await train({
    model,
    // The loader itself: on resume, train asks it for the epoch from the next untrained batch,
    // which it yields without reading the ones already trained on.
    trainLoader: base,
    evalLoader: () => loader(evalSet, { batchSize: o.evalBatch, shuffle: false }),
    epochs: config.epochs,
    optimizer: config.optimizer,
    schedule: config.schedule,
    mode: config.mode,
    labelSmoothing: config.labelSmoothing,
    numClasses: o.classNames.length,
    seed: config.seed,
    outDir: config.outDir,
    resume: config.resume,
    forceResume: config.forceResume,
    ...(config.checkpointEvery !== undefined ? { checkpointEverySteps: config.checkpointEvery } : {}),
    evaluate: {},
    finalEvaluate: {
      attacks: config.evalAttacks,
      attackMaxExamples: attackLimit,
      keepExamples: config.evalAttacks.length > 0 ? Math.min(o.reportExamples, attackLimit) : 0,
      seed: config.seed,
    },
    ...corruptions,
    progress: config.progress,
    title: `${o.name}: ${config.model} on ${o.trainedOn} (${describeMode(config)})`,
    // The whole resolved config goes into checkpoints and the report (a plain JSON-able object).
    config: { command: [o.name, ...o.argv].join(' '), ...(config as unknown as Record<string, unknown>), backend: o.backend, classNames: [...o.classNames] },
  });

  const resumed = resumeLine(history, config.epochs);
  if (resumed) say(resumed);
  if (history.interrupted) say('interrupted: checkpoint written; continue with the same flags plus --resume');
  for (const line of finalSummary(history, 1 / o.classNames.length)) say(line);
  const c = history.corruptions;
  if (c) say(`corruptions: mean accuracy ${(100 * c.meanAccuracy).toFixed(1)}% over ${c.corruptions.length} corruptions × ${c.severities.length} severities on ${c.n} images (clean ${(100 * c.cleanAccuracy).toFixed(1)}%)`);
  say(`done in ${((performance.now() - o.started) / 1000).toFixed(0)} s`);
  return history.interrupted ? 130 : 0;
}

/** How the run began, when it continued an earlier one (a finished run is never "resumed from epoch N+1"). */
function resumeLine(history: TrainHistory, epochs: number): string | undefined {
  if (history.alreadyFinished) return 'the run had already finished: nothing was done';
  const from = history.resumedFrom;
  if (!from) return undefined;
  if (from.epoch >= epochs) return `resumed after all ${epochs} epochs had been trained: ran the final evaluation`;
  return `resumed from epoch ${from.epoch + 1}, step ${from.step}`;
}
