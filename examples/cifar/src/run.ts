import { CliError } from '@cnn/example-common';
import { modelOptionsOrUsageError, prepareRun, say, startBackend, trainAndReport } from '@cnn/example-common/run';
import { cifarTrainTransform } from '@cnn/data';
import { loadCifar } from '@cnn/data/node';
import { createModel, type ModelName } from '@cnn/models';
import type { RunConfig } from './config.js';
import { firstN } from './subset.js';

/** Images kept for the report's clean-vs-adversarial grid. */
const REPORT_EXAMPLES = 12;
const EVAL_BATCH = 200;

/**
 * Trains and evaluates as `config` says: checks the settings and the run directory (a finished run
 * is left alone), starts the backend, reads the data, builds the model,
 * runs `train` of `@cnn/train/node` (checkpoints, metrics.jsonl, final evaluation with the attacks and
 * calibration, report.html in `config.outDir`), prints the outcome. Returns the exit code
 * (0, or 130 when stopped by Ctrl-C after checkpointing).
 */
export async function runCifar(config: RunConfig, argv: string[] = []): Promise<number> {
  const started = performance.now();
  // Everything checkable is checked before the data is read or a backend started.
  const modelOptions = modelOptionsOrUsageError(config, { numClasses: config.numClasses, stem: 'cifar', seed: config.seed });
  const nothingToDo = await prepareRun(config);
  if (nothingToDo) {
    say(nothingToDo);
    return 0;
  }
  const backend = await startBackend(config);

  const variant = config.dataset;
  // One after the other: the first call may download the archive the second one reads.
  const fullTrain = await loadCifar({ root: config.dataRoot, variant, split: 'train', download: config.download }).catch(asCliAdvice);
  const fullTest = await loadCifar({ root: config.dataRoot, variant, split: 'test' }).catch(asCliAdvice);
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
    return await trainAndReport({
      name: 'cnn-cifar',
      config,
      argv,
      started,
      model,
      trainSet,
      evalSet: testSet,
      classNames: trainSet.classNames,
      trainLoaderOptions: { transform: cifarTrainTransform() },
      evalBatch: EVAL_BATCH,
      reportExamples: REPORT_EXAMPLES,
      trainedOn: config.offline ? 'the CIFAR-10 sample' : variant,
      backend,
    });
  } finally {
    model.dispose();
  }
}

/**
 * `loadCifar` speaks to library users ("or pass download: true"); on the command line the same
 * advice is the `--download` flag. Other errors pass through unchanged.
 */
function asCliAdvice(error: unknown): never {
  if (error instanceof Error && error.message.includes('download: true')) {
    error.message = error.message.replace('download: true', '--download');
  }
  throw error;
}
