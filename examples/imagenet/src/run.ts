import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { backendInfo, initBackend } from '@cnn/backend';
import { loadImageFolder, loader, type ImageFolderDataset } from '@cnn/data';
import { createModel, type ModelName, type ModelOptions } from '@cnn/models';
import { train } from '@cnn/train';
import { CliError } from './cli-error.js';
import type { RunConfig } from './config.js';
import { modelOptionsFor } from './model-options.js';
import { evenSubset } from './subset.js';
import { finalSummary } from './summary.js';

/** Images kept for the report's clean-vs-adversarial grid. */
const REPORT_EXAMPLES = 8;

const say = (line: string) => process.stdout.write(`${line}\n`);

function hasCheckpoints(outDir: string): boolean {
  const dir = join(outDir, 'checkpoints');
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json'));
}

/**
 * Trains and evaluates as `config` says on ImageNet-style folders: starts the backend, scans
 * `train/` and `val/` (decoding in worker threads, training transform RandomResizedCrop + flip,
 * evaluation transform resize + center crop), builds the model with the ImageNet stem, runs
 * `train` of `@cnn/train` and prints the outcome. Returns the exit code (130 after Ctrl-C).
 */
export async function runImagenet(config: RunConfig, argv: string[] = []): Promise<number> {
  const started = performance.now();
  if (!config.resume && hasCheckpoints(config.outDir)) {
    throw new CliError(`--out ${config.outDir} already holds a run: pass --resume to continue it, or choose another --out`);
  }
  if (config.resume && !hasCheckpoints(config.outDir)) {
    say(`--resume: no checkpoint in ${join(config.outDir, 'checkpoints')} yet; starting from the beginning`);
  }
  const opened: ImageFolderDataset[] = [];
  try {
    const [trainFolder, valFolder] = await Promise.all([
      loadImageFolder({ root: config.trainDir, transform: 'train', size: config.imageSize, seed: config.seed }),
      loadImageFolder({ root: config.valDir, transform: 'eval', size: config.imageSize, resize: config.evalResize, seed: config.seed }),
    ]);
    opened.push(trainFolder, valFolder);
    const classes = trainFolder.classNames;
    if (valFolder.classNames.join('\n') !== classes.join('\n')) {
      throw new CliError(
        `--data: train/ and val/ must have the same class folders (train has ${classes.length}, val has ${valFolder.classNames.length}` +
          `${classes.length === valFolder.classNames.length ? ', with different names' : ''})`,
      );
    }
    let modelOptions: ModelOptions;
    try {
      modelOptions = modelOptionsFor(config.model, { numClasses: classes.length, stem: 'imagenet', seed: config.seed }, config.modelOverrides);
    } catch (error) {
      throw new CliError(`--model ${config.model}: ${(error as Error).message}`);
    }
    const trainSet = evenSubset(trainFolder, config.trainLimit);
    const valSet = evenSubset(valFolder, config.testLimit);
    if (trainSet.length < config.batchSize) {
      throw new CliError(`--batch-size ${config.batchSize} is larger than the ${trainSet.length} training images`);
    }

    const choice = await initBackend(config.backend);
    const info = backendInfo();
    say(`backend: ${choice.backend} (${choice.reason})`);
    const model = createModel(config.model as ModelName, modelOptions);
    try {
      say(`data: ${config.dataRoot}: ${trainSet.length} train / ${valSet.length} val images, ${classes.length} classes, ${config.imageSize}px crops`);
      say(
        `model: ${config.model} (${model.numParameters().toLocaleString('en-US')} parameters); mode ${describeMode(config)}; ` +
          `${config.epochs} epoch${config.epochs === 1 ? "" : "s"} × ${Math.floor(trainSet.length / config.batchSize)} steps of ${config.batchSize}`,
      );
      say(`output: ${config.outDir}`);
      const base = loader(trainSet, { batchSize: config.batchSize, shuffle: true, seed: config.seed, dropLast: true });
      const evalBatch = Math.max(1, Math.min(config.batchSize, 100));
      const attackLimit = Math.min(config.attackLimit, valSet.length);
      const history = await train({
        model,
        trainLoader: (epoch) => base.withEpoch(epoch),
        evalLoader: () => loader(valSet, { batchSize: evalBatch, shuffle: false }),
        epochs: config.epochs,
        optimizer: config.optimizer,
        schedule: config.schedule,
        mode: config.mode,
        labelSmoothing: config.labelSmoothing,
        numClasses: classes.length,
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
        title: `cnn-imagenet: ${config.model} on ${config.dataRoot} (${describeMode(config)})`,
        config: { command: ['cnn-imagenet', ...argv].join(' '), ...config, backend: info, classNames: [...classes] },
      });
      if (history.resumedFrom) say(`resumed from epoch ${history.resumedFrom.epoch + 1}, step ${history.resumedFrom.step}`);
      if (history.interrupted) say('interrupted: checkpoint written; continue with the same flags plus --resume');
      for (const line of finalSummary(history, 1 / classes.length)) say(line);
      say(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      return history.interrupted ? 130 : 0;
    } finally {
      model.dispose();
    }
  } finally {
    await Promise.all(opened.map((d) => d.close()));
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
