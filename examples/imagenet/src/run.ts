import { CliError } from '@cnn/example-common';
import { modelOptionsOrUsageError, prepareRun, say, startBackend, trainAndReport } from '@cnn/example-common/run';
import { loadImageFolder, type ImageFolderDataset } from '@cnn/data/node';
import { createModel, type ModelName } from '@cnn/models';
import type { RunConfig } from './config.js';
import { evenSubset } from './subset.js';

/** Images kept for the report's clean-vs-adversarial grid. */
const REPORT_EXAMPLES = 8;

/**
 * Trains and evaluates as `config` says on ImageNet-style folders: starts the backend, scans
 * `train/` and `val/` (decoding in worker threads, training transform RandomResizedCrop + flip,
 * evaluation transform resize + center crop), builds the model with the ImageNet stem, runs
 * `train` of `@cnn/train/node` and prints the outcome. Returns the exit code (130 after Ctrl-C).
 */
export async function runImagenet(config: RunConfig, argv: string[] = []): Promise<number> {
  const started = performance.now();
  // Everything checkable is checked before the folders are scanned or a backend started (the model
  // name and shape with a stand-in class count: the folders decide the real one).
  modelOptionsOrUsageError(config, { numClasses: 1000, stem: 'imagenet', seed: config.seed });
  const nothingToDo = await prepareRun(config);
  if (nothingToDo) {
    say(nothingToDo);
    return 0;
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
    const modelOptions = modelOptionsOrUsageError(config, { numClasses: classes.length, stem: 'imagenet', seed: config.seed });
    const trainSet = evenSubset(trainFolder, config.trainLimit);
    const valSet = evenSubset(valFolder, config.testLimit);
    if (trainSet.length < config.batchSize) {
      throw new CliError(`--batch-size ${config.batchSize} is larger than the ${trainSet.length} training images`);
    }

    const backend = await startBackend(config);
    const model = createModel(config.model as ModelName, modelOptions);
    try {
      say(`data: ${config.dataRoot}: ${trainSet.length} train / ${valSet.length} val images, ${classes.length} classes, ${config.imageSize}px crops`);
      return await trainAndReport({
        name: 'cnn-imagenet',
        config,
        argv,
        started,
        model,
        trainSet,
        evalSet: valSet,
        classNames: classes,
        evalBatch: Math.max(1, Math.min(config.batchSize, 100)),
        reportExamples: REPORT_EXAMPLES,
        trainedOn: config.dataRoot,
        backend,
      });
    } finally {
      model.dispose();
    }
  } finally {
    await Promise.all(opened.map((d) => d.close()));
  }
}
