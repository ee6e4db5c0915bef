import { checkHyperParameters } from './config-check.js';
import { corruptionPlan } from './corruption-plan.js';
import { optionalInteger, optionalNumber } from './option-rules.js';
import type { CheckpointSink } from './checkpoint-sink.js';
import type { TrainOptions } from './types.js';

/**
 * Checks every option of `train` before anything is created (no directory, no tensor): the model
 * and loader shapes, the hyper-parameters ({@link checkHyperParameters}) and the counts. Throws a
 * TypeError / RangeError naming the option and the value it got.
 */
export function validateTrainOptions(o: TrainOptions): void {
  if (!o || typeof o !== 'object') throw new TypeError('train: options object required');
  if (!o.model || typeof o.model.apply !== 'function' || typeof o.model.namedParameters !== 'function') {
    throw new TypeError('train: options.model must have apply() and namedParameters() (a @cnn/models Model)');
  }
  if (typeof o.trainLoader !== 'function' && typeof (o.trainLoader as { withEpoch?: unknown })?.withEpoch !== 'function') {
    throw new TypeError('train: options.trainLoader must be a function (epoch) => batches or a Loader with withEpoch()');
  }
  checkHyperParameters(o);
  optionalInteger('train: numClasses', o.numClasses, 2);
  optionalInteger('train: stepsPerEpoch', o.stepsPerEpoch, 1);
  optionalNumber('train: seed', o.seed, {});
  optionalInteger('train: logEverySteps', o.logEverySteps, 1);
  optionalInteger('train: checkpointEverySteps', o.checkpointEverySteps, 1);
  optionalInteger('train: keepCheckpoints', o.keepCheckpoints, 1);
  optionalInteger('train: evalEvery', o.evalEvery, 1);
  optionalInteger('train: maxSteps', o.maxSteps, 1);
  checkCheckpointSink(o.checkpoints);
  if (o.signal !== undefined && typeof o.signal?.aborted !== 'boolean') throw new TypeError('train: options.signal must be an AbortSignal');
  if ((o.resume || o.forceResume) && !o.checkpoints && !(o as { outDir?: string }).outDir) {
    throw new Error('train: resume needs options.checkpoints (or outDir, with train of @cnn/train/node): where the checkpoints are');
  }
  if (o.corruptionEval !== undefined) {
    if (!o.corruptionEval?.dataset || typeof o.corruptionEval.dataset.get !== 'function') {
      throw new TypeError('train: corruptionEval.dataset must be a @cnn/data Dataset (length, get(i))');
    }
    corruptionPlan(o.corruptionEval.options, o.corruptionEval.dataset.length);
  }
  const best = o.bestMetric?.name ?? 'accuracy';
  if (o.evalLoader && best.startsWith('robust.') && !o.evaluate?.attacks?.length) {
    throw new Error(`train: bestMetric "${best}" needs attacks in the per-epoch evaluation (options.evaluate.attacks)`);
  }
}

/** `options.checkpoints`, when given, must be a {@link CheckpointSink}. */
function checkCheckpointSink(sink: unknown): void {
  if (sink === undefined) return;
  const s = sink as Partial<CheckpointSink> | null;
  const missing = (['save', 'loadLatest', 'markFinished'] as const).filter((m) => typeof s?.[m] !== 'function');
  if (missing.length || typeof s?.location !== 'string') {
    throw new TypeError(`train: options.checkpoints must be a CheckpointSink (location, save, loadLatest, markFinished); missing ${[...missing, ...(typeof s?.location === 'string' ? [] : ['location'])].join(', ')}`);
  }
}
