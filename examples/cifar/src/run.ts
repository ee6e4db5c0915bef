import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { backendInfo, initBackend } from '@cnn/backend';
import { cifarTrainTransform, loadCifar, loader } from '@cnn/data';
import { createModel, type ModelName, type ModelOptions } from '@cnn/models';
import { train } from '@cnn/train';
import { CliError } from './cli-error.js';
import type { RunConfig } from './config.js';
import { modelOptionsFor } from './model-options.js';
import { firstN } from './subset.js';
import { finalSummary } from './summary.js';

/** Images kept for the report's clean-vs-adversarial grid. */
const REPORT_EXAMPLES = 12;
const EVAL_BATCH = 200;

const say = (line: string) => process.stdout.write(`${line}\n`);

function hasCheckpoints(outDir: string): boolean {
  const dir = join(outDir, 'checkpoints');
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json'));
}

/**
 * Trains and evaluates as `config` says: starts the backend, reads the data, builds the model,
 * runs `train` of `@cnn/train` (checkpoints, metrics.jsonl, final evaluation with the attacks and
 * calibration, report.html in `config.outDir`), prints the outcome. Returns the exit code
 * (0, or 130 when stopped by Ctrl-C after checkpointing).
 */
export async function runCifar(config: RunConfig, argv: string[] = []): Promise<number> {
  const started = performance.now();
  let modelOptions: ModelOptions;
  try {
    modelOptions = modelOptionsFor(config.model, { numClasses: config.numClasses, stem: 'cifar', seed: config.seed }, config.modelOverrides);
  } catch (error) {
    throw new CliError(`--model ${config.model}: ${(error as Error).message}`);
  }
  if (!config.resume && hasCheckpoints(config.outDir)) {
    throw new CliError(`--out ${config.outDir} already holds a run: pass --resume to continue it, or choose another --out`);
  }
  if (config.resume && !hasCheckpoints(config.outDir)) {
    say(`--resume: no checkpoint in ${join(config.outDir, 'checkpoints')} yet; starting from the beginning`);
  }

  const choice = await initBackend(config.backend);
  const info = backendInfo();
  say(`backend: ${choice.backend} (${choice.reason})`);

  const variant = config.dataset;
  // One after the other: the first call may download the archive the second one reads.
  const fullTrain = await loadCifar({ root: config.dataRoot, variant, split: 'train', download: config.download });
  const fullTest = await loadCifar({ root: config.dataRoot, variant, split: 'test' });
  const trainSet = firstN(fullTrain, config.trainLimit);
  const testSet = firstN(fullTest, config.testLimit);
  if (trainSet.length < config.batchSize) {
    throw new CliError(`--batch-size ${config.batchSize} is larger than the ${trainSet.length} training images`);
  }
  const model = createModel(config.model as ModelName, modelOptions);
  try {
    say(
      `data: ${config.offline ? 'committed CIFAR-10 sample' : variant} from ${config.dataRoot}: ` +
        `${trainSet.length} train / ${testSet.length} test images, ${trainSet.classNames.length} classes`,
    );
    say(
      `model: ${config.model} (${model.numParameters().toLocaleString('en-US')} parameters); mode ${describeMode(config)}; ` +
        `${config.epochs} epoch${config.epochs === 1 ? "" : "s"} × ${Math.floor(trainSet.length / config.batchSize)} steps of ${config.batchSize}`,
    );
    say(`output: ${config.outDir}`);

    const base = loader(trainSet, { batchSize: config.batchSize, shuffle: true, seed: config.seed, dropLast: true, transform: cifarTrainTransform() });
    const evalLoader = () => loader(testSet, { batchSize: EVAL_BATCH, shuffle: false });
    const attackLimit = Math.min(config.attackLimit, testSet.length);

    const history = await train({
      model,
      trainLoader: (epoch) => base.withEpoch(epoch),
      evalLoader,
      epochs: config.epochs,
      optimizer: config.optimizer,
      schedule: config.schedule,
      mode: config.mode,
      labelSmoothing: config.labelSmoothing,
      numClasses: trainSet.classNames.length,
      seed: config.seed,
      outDir: config.outDir,
      resume: config.resume,
      ...(config.checkpointEvery !== undefined ? { checkpointEverySteps: config.checkpointEvery } : {}),
      evaluate: {},
      finalEvaluate: {
        attacks: config.evalAttacks,
        attackMaxExamples: attackLimit,
        keepExamples: config.evalAttacks.length > 0 ? Math.min(REPORT_EXAMPLES, attackLimit) : 0,
        seed: config.seed,
      },
      progress: config.progress,
      title: `cnn-cifar: ${config.model} on ${config.offline ? 'the CIFAR-10 sample' : variant} (${describeMode(config)})`,
      config: { command: ['cnn-cifar', ...argv].join(' '), ...config, backend: info, classNames: [...trainSet.classNames] },
    });

    if (history.resumedFrom) say(`resumed from epoch ${history.resumedFrom.epoch + 1}, step ${history.resumedFrom.step}`);
    if (history.interrupted) say('interrupted: checkpoint written; continue with the same flags plus --resume');
    for (const line of finalSummary(history, 1 / trainSet.classNames.length)) say(line);
    say(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return history.interrupted ? 130 : 0;
  } finally {
    model.dispose();
  }
}

function describeMode(config: RunConfig): string {
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
  }
}
