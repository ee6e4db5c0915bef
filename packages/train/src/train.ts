import { backendInfo } from '@cnn/backend';
import { createRng, disposeBatch, type Rng } from '@cnn/core';
import { ensureGradients } from '@cnn/core/gradients';
import { DEFAULT_JSD_WEIGHT } from './augmix-loss.js';
import { evaluate } from './evaluate.js';
import { evaluateCorruptions } from './evaluate-corruptions.js';
import { checkpointRecord } from './checkpoint.js';
import type { CheckpointSink } from './checkpoint-sink.js';
import { createOptimizer, type Optimizer } from './optimizer.js';
import { LineProgress } from './progress-lines.js';
import type { RunFolder, TrainHost } from './run-folder.js';
import { beginRun, emptySums, type EpochSums, type RunStart } from './run-start.js';
import { learningRateAt, learningRateForStep } from './schedule.js';
import { validateTrainOptions } from './train-options.js';
import { modelClasses, NonFiniteLossError, trainStep, type StepOutcome } from './train-step.js';
import type { BatchSource, EpochLoader, EvalLoader, EpochRecord, EvalResult, ReportOptions, StepRecord, TrainHistory, TrainOptions, TrainingMode } from './types.js';

export { NonFiniteLossError } from './train-step.js';

/** Reads a metric such as 'accuracy', 'nll', 'robust.worstCase' or 'robust.pgd-20' from an evaluation. */
export function metricValue(result: EvalResult, name: string): number {
  if (name.startsWith('robust.')) {
    const key = name.slice('robust.'.length);
    const r = result.robust;
    if (!r) throw new Error(`best metric "${name}" needs evaluation attacks (options.evaluate.attacks)`);
    const v = key === 'worstCase' || key === 'clean' ? r[key] : key.startsWith('perAttack.') ? r.perAttack[key.slice(10)] : r.perAttack[key];
    if (v === undefined) throw new Error(`best metric "${name}": no such robust result (have ${Object.keys(r.perAttack).join(', ')})`);
    return v;
  }
  const v = (result as unknown as Record<string, unknown>)[name];
  if (typeof v !== 'number') throw new Error(`best metric "${name}" is not a number in the evaluation result`);
  return v;
}

function defaultBestMode(name: string): 'max' | 'min' {
  return /accuracy|robust|clean|worst/i.test(name) ? 'max' : 'min';
}

/**
 * The mode as checkpoints record it. AugMix's defaults are written out, so that a resume with them
 * spelled out (or changed) compares as the same (or a different) setting.
 */
function recordedMode(mode: TrainingMode | undefined): TrainingMode {
  if (!mode) return { type: 'standard' };
  if (mode.type === 'augmix') return { type: 'augmix', jsd: mode.jsd ?? true, jsdWeight: mode.jsdWeight ?? DEFAULT_JSD_WEIGHT };
  return mode;
}

/** The serialisable part of `corruptionEval` (absent: not recorded, so older checkpoints compare equal). */
function recordedCorruptionEval(o: TrainOptions): Record<string, unknown> | undefined {
  if (!o.corruptionEval) return undefined;
  const { corruptions, severities, limit, seed, batchSize, bins } = o.corruptionEval.options;
  return { corruptions, severities, limit, seed, batchSize, bins };
}

/** Options as recorded in checkpoints and the report (everything serialisable). */
function recordedConfig(o: TrainOptions, stepsPerEpoch: number): Record<string, unknown> {
  return {
    epochs: o.epochs,
    stepsPerEpoch,
    optimizer: o.optimizer,
    schedule: o.schedule,
    mode: recordedMode(o.mode),
    labelSmoothing: o.labelSmoothing ?? 0,
    gradClipNorm: o.gradClipNorm ?? null,
    seed: o.seed ?? 0,
    evaluate: o.evaluate ?? {},
    finalEvaluate: o.finalEvaluate ?? o.evaluate ?? {},
    bestMetric: o.bestMetric ?? { name: 'accuracy', mode: 'max' },
    corruptionEval: recordedCorruptionEval(o),
    user: o.config ?? {},
  };
}

/** Everything the epoch loop and the end of the run share. */
interface Run {
  o: LoopOptions;
  optimizer: Optimizer;
  rng: Rng;
  mode: TrainingMode;
  progress: LineProgress;
  config: Record<string, unknown>;
  stepsPerEpoch: number;
  /** The run folder, when there is an `outDir` (`@cnn/train/node`). */
  files?: RunFolder;
  /** Where checkpoints go: the folder's `checkpoints/` or `options.checkpoints`. */
  sink?: CheckpointSink;
  bestMetric: { name: string; mode: 'max' | 'min' };
  start: RunStart;
  history: TrainHistory;
  sums: EpochSums;
  numClasses: number;
  globalStep: number;
  /** Epochs trained and checkpointed so far (the run is complete at `o.epochs`). */
  trainedEpochs: number;
  /** Set by the host's stop trigger (SIGINT): checkpoint after this step and stop (also when `options.signal` aborts). */
  stopRequested: boolean;
  /** The model's class count was checked against the options and data (once, before the first step). */
  classesChecked: boolean;
}

/** The options of the loop: `train`'s, and the run folder's report settings (`@cnn/train/node`). */
type LoopOptions = TrainOptions & ReportOptions;

/**
 * Trains `options.model` in place: per epoch, the batches of `trainLoader(epoch)` through the
 * chosen mode (standard, mixup, cutmix, PGD-k, FGSM-RS, AugMix), with the optimiser and
 * per-iteration LR schedule; evaluation on `evalLoader` every `evalEvery` epochs; best-model
 * tracking (`history.best`); checkpoints to `options.checkpoints` (a {@link CheckpointSink}: in
 * memory with `MemoryCheckpointSink`, files with `FileCheckpointSink` of `@cnn/train/node`) every
 * epoch and every `checkpointEverySteps`; progress lines; a final evaluation. Runs anywhere
 * tfjs runs, browsers included: it touches no file system. `train` of `@cnn/train/node` is this
 * loop with a run folder (`outDir`: checkpoints, `metrics.jsonl`, best weights, `report.html`), a
 * terminal progress bar and SIGINT handling.
 *
 * Every option is checked before anything is created (a bad one is a clear error naming it). With
 * `resume: true` it continues from the sink's newest checkpoint exactly: weights, BN buffers,
 * optimiser state, RNG state, epoch and step (the epoch's already-trained batches are skipped and
 * disposed). A checkpoint written with other settings (learning rate, schedule, mode, ε,
 * optimiser, epochs, steps per epoch, seed, …) is refused, naming each change, unless
 * `forceResume`; a finished run is left as it is (`alreadyFinished` in the result). Without
 * `resume`, a sink that holds a checkpoint is refused.
 *
 * Stops with {@link NonFiniteLossError} when the loss is NaN/Inf (before applying that update).
 * When `options.signal` aborts, it finishes the current step, writes a checkpoint and returns with
 * `interrupted: true`.
 *
 * Leaves `tf.memory().numTensors` unchanged (apart from the model's own updated variables), also
 * when it throws.
 *
 * In parts: restore (`openRun`) → the epochs (`runEpoch`) → end of epoch (`endEpoch`:
 * evaluation, best model, checkpoint) → finish (`finishRun`).
 */
export async function train(options: TrainOptions): Promise<TrainHistory> {
  return runTraining(options, {});
}

/** {@link train} with what a host adds (the Node entry: run folder, terminal bar, SIGINT). */
export async function runTraining(options: LoopOptions, host: TrainHost): Promise<TrainHistory> {
  validateTrainOptions(options);
  ensureGradients();
  const o = options;
  const stepsPerEpoch = o.stepsPerEpoch ?? trainLoaderLength(o);
  if (!(stepsPerEpoch > 0)) {
    throw new Error('train: cannot tell the number of steps per epoch: give options.stepsPerEpoch or a loader with a length');
  }
  const optimizer = createOptimizer(o.optimizer, o.model.namedParameters());
  try {
    const run = await openRun(o, optimizer, stepsPerEpoch, host);
    if (run.start.alreadyFinished) return { ...run.history, alreadyFinished: true, ...(run.files ? { files: run.files.existing() } : {}) };
    await trainWithStopTrigger(run, host);
    return await finishRun(run);
  } finally {
    optimizer.dispose();
  }
}

/** Restore: opens the run folder (if the host has one) and decides where the run begins (see {@link beginRun}). */
async function openRun(o: LoopOptions, optimizer: Optimizer, stepsPerEpoch: number, host: TrainHost): Promise<Run> {
  const progress = host.progress?.(o.progress ?? 'auto') ?? new LineProgress(o.progress ?? 'auto');
  const files = await host.openFolder?.();
  const sink = files?.checkpointSink ?? o.checkpoints;
  const rng = createRng(o.seed ?? 0).fork(0x7a1);
  const config = recordedConfig(o, stepsPerEpoch);
  const start = await beginRun({ o, optimizer, rng, config, sink, folder: files, progress });
  const name = o.bestMetric?.name ?? 'accuracy';
  return {
    o,
    optimizer,
    rng,
    mode: o.mode ?? { type: 'standard' },
    progress,
    config,
    stepsPerEpoch,
    files,
    sink,
    bestMetric: { name, mode: o.bestMetric?.mode ?? defaultBestMode(name) },
    start,
    history: start.history,
    sums: start.sums,
    numClasses: start.numClasses,
    globalStep: start.globalStep,
    trainedEpochs: start.epoch,
    stopRequested: false,
    classesChecked: false,
  };
}

const jsonl = async (run: Run, record: Record<string, unknown>): Promise<void> => {
  await run.files?.log(record);
};

/** Writes a checkpoint at (epoch, step) when the run has somewhere to keep it. */
async function checkpoint(run: Run, epoch: number, step: number): Promise<void> {
  if (!run.sink) return;
  const { history } = run;
  const record = checkpointRecord({
    model: run.o.model,
    optimizer: run.optimizer,
    epoch,
    step,
    globalStep: run.globalStep,
    rng: run.rng.getState(),
    config: run.config,
    best: history.best,
    extra: { history: { epochs: history.epochs, steps: history.steps, best: history.best }, sums: run.sums, numClasses: run.numClasses },
  });
  const path = await run.sink.save(record, run.o.keepCheckpoints ?? 2);
  if (run.files) history.files = { ...(history.files ?? { outDir: run.files.outDir }), checkpoint: path };
}

/** True once a stop was asked for (the host's trigger, `options.signal`): checkpoint after this step and stop. */
const stopping = (run: Run): boolean => run.stopRequested || run.o.signal?.aborted === true;

/** The epochs, with the host's stop trigger installed (SIGINT in Node: finish the step, checkpoint, stop). */
async function trainWithStopTrigger(run: Run, host: TrainHost): Promise<void> {
  const removeTrigger = host.stopTrigger?.(() => void (run.stopRequested = true), run.progress);
  try {
    for (let epoch = run.start.epoch; epoch < run.o.epochs; epoch++) {
      const stopped = await runEpoch(run, epoch);
      if (stopped || stopping(run)) break;
      if (run.o.maxSteps !== undefined && run.globalStep >= run.o.maxSteps) break;
    }
    if (stopping(run)) run.history.interrupted = true;
  } catch (e) {
    // The run's record says why it ended (the message names epoch and step).
    if (e instanceof NonFiniteLossError) {
      await jsonl(run, { kind: 'error', error: e.name, message: e.message, epoch: e.epoch, step: e.step, globalStep: e.globalStep, time: new Date().toISOString() });
    }
    throw e;
  } finally {
    // A bar left running on an error would leave the terminal's cursor hidden.
    run.progress.endEpoch();
    removeTrigger?.();
  }
}

/** Trains one epoch (from the resume point in the first); returns true when the run stopped mid-epoch (SIGINT, maxSteps). */
async function runEpoch(run: Run, epoch: number): Promise<boolean> {
  const { o, progress, stepsPerEpoch } = run;
  const epochStart = Date.now();
  const skip = epoch === run.start.epoch ? run.start.step : 0;
  if (epoch !== run.start.epoch || run.start.step === 0) run.sums = emptySums();
  const { source, first } = epochBatchesFrom(o.trainLoader, epoch, skip);
  const total = source.length ?? stepsPerEpoch;
  progress.startEpoch(epoch, o.epochs, total, skip);
  // A loader that honours startBatch begins at batch `skip`; any other is skipped by iterating.
  let step = first;
  let lr = learningRateAt(o.schedule, epoch, o.epochs);
  // Throughput counts wall time per step including waiting for the loader (not evaluation).
  let tick = Date.now();
  for await (const batch of source) {
    if (step < skip) {
      disposeBatch(batch);
      step++;
      tick = Date.now();
      continue;
    }
    lr = learningRateForStep(o.schedule, epoch, step, stepsPerEpoch, o.epochs);
    // Examples, not images: an AugMix–JSD batch holds 3 views of each labelled example.
    const n = batch.labels.shape[0];
    let out: StepOutcome;
    try {
      // Once per process, before the first gradient step: the model's classes against the options and data.
      if (!run.classesChecked) run.numClasses = modelClasses(o.model, batch, run.numClasses);
      run.classesChecked = true;
      out = await trainStep(o.model, run.optimizer, batch, run.numClasses, run.mode, run.rng, lr, o, { epoch, step, globalStep: run.globalStep });
    } finally {
      disposeBatch(batch);
    }
    const now = Date.now();
    addToSums(run.sums, out, n, (now - tick) / 1000);
    tick = now;
    const record: StepRecord = { epoch, step, globalStep: run.globalStep, lr, loss: out.loss, accuracy: out.correct / n, gradNorm: out.gradNorm, batchSize: n };
    step++;
    run.globalStep++;
    if ((run.globalStep - 1) % (o.logEverySteps ?? 10) === 0) {
      run.history.steps.push(record);
      await jsonl(run, { kind: 'step', ...record });
    }
    o.onStep?.(record);
    progress.update(step, { loss: run.sums.loss / run.sums.seen, accuracy: run.sums.correct / run.sums.seen, lr, imagesPerSecond: imagesPerSecond(run.sums) });
    const budgetDone = o.maxSteps !== undefined && run.globalStep >= o.maxSteps;
    const stop = stopping(run);
    if ((stop || budgetDone) && step < total) {
      // The loader is abandoned here (its pending batches are never created).
      progress.endEpoch();
      await checkpoint(run, epoch, step);
      return true;
    }
    if (!stop && !budgetDone && o.checkpointEverySteps && run.globalStep % o.checkpointEverySteps === 0 && step < total) {
      await checkpoint(run, epoch, step);
    }
  }
  progress.endEpoch();
  if (step === 0) throw new Error(`train: the training loader of epoch ${epoch} yielded no batches`);
  if (step < skip) throw new Error(`train: the training loader of epoch ${epoch} yielded ${step} batches, fewer than the ${skip} already trained in the checkpoint`);
  await endEpoch(run, epoch, lr, epochStart);
  return false;
}

function addToSums(sums: EpochSums, out: StepOutcome, n: number, seconds: number): void {
  sums.loss += out.loss * n;
  sums.correct += out.correct;
  sums.seen += n;
  sums.trainSeconds += seconds;
}

const imagesPerSecond = (sums: EpochSums): number => sums.seen / Math.max(1e-9, sums.trainSeconds);

/** The end of an epoch: its record, the per-epoch evaluation and best model, the checkpoint. */
async function endEpoch(run: Run, epoch: number, lr: number, epochStart: number): Promise<void> {
  const { o, history, sums } = run;
  const rec: EpochRecord = {
    epoch,
    trainLoss: sums.loss / Math.max(1, sums.seen),
    trainAccuracy: sums.correct / Math.max(1, sums.seen),
    lr,
    imagesPerSecond: imagesPerSecond(sums),
    seconds: 0,
  };
  const evalEvery = o.evalEvery ?? 1;
  if (o.evalLoader && ((epoch + 1) % evalEvery === 0 || epoch + 1 === o.epochs)) {
    rec.eval = stripForHistory(await evaluate(o.model, evalBatches(o.evalLoader), { ...o.evaluate, keepExamples: 0, keepPredictions: false }));
    await trackBest(run, epoch, rec.eval);
  }
  rec.seconds = (Date.now() - epochStart) / 1000;
  history.epochs.push(rec);
  run.progress.log(formatEpoch(rec, o.epochs));
  await jsonl(run, { kind: 'epoch', ...rec, time: new Date().toISOString() });
  o.onEpoch?.(rec);
  run.sums = emptySums();
  await checkpoint(run, epoch + 1, 0);
  run.trainedEpochs = epoch + 1;
}

/** Updates the best epoch by `bestMetric`, writing `best.safetensors` / `best.json` when it improves. */
async function trackBest(run: Run, epoch: number, result: EvalResult): Promise<void> {
  const { history, bestMetric, o } = run;
  const value = metricValue(result, bestMetric.name);
  const better = !history.best || (bestMetric.mode === 'max' ? value > history.best.value : value < history.best.value);
  if (!better) return;
  history.best = { epoch, metric: bestMetric.name, value };
  if (run.files) {
    await run.files.saveBest(o.model, history.best);
    history.files = { ...(history.files ?? { outDir: run.files.outDir }), best: run.files.best };
  }
}

/**
 * The end of the run: the final evaluation (unless interrupted; a maxSteps budget counts as the
 * end), the report, and — when every epoch was trained — `finished` in `latest.json`, last, so that
 * a resume after a kill during the final evaluation runs it again.
 */
async function finishRun(run: Run): Promise<TrainHistory> {
  const { o, history } = run;
  if (!history.interrupted && o.evalLoader) {
    const final = o.finalEvaluate ?? o.evaluate ?? {};
    run.progress.log('final evaluation…');
    history.final = await evaluate(o.model, evalBatches(o.evalLoader), { keepExamples: 16, ...final });
    await jsonl(run, { kind: 'final', ...stripForHistory(history.final), time: new Date().toISOString() });
  }
  if (!history.interrupted && o.corruptionEval) {
    run.progress.log('corruption evaluation…');
    history.corruptions = await evaluateCorruptions(o.model, o.corruptionEval.dataset, o.corruptionEval.options);
    const { example, ...numbers } = history.corruptions;
    void example;
    await jsonl(run, { kind: 'corruptions', ...numbers, time: new Date().toISOString() });
  }
  const { files } = run;
  if (files) {
    history.files = { ...(history.files ?? { outDir: files.outDir }), metrics: files.metrics };
    if (o.report ?? true) history.files.report = await files.writeReport(reportInput(run));
  }
  if (!history.interrupted && run.trainedEpochs >= o.epochs) await run.sink?.markFinished();
  return history;
}

/** What the report of a run folder shows. */
function reportInput(run: Run): Parameters<RunFolder['writeReport']>[0] {
  const { o, history } = run;
  return {
    title: o.title ?? 'Training run',
    config: run.config,
    backend: backendInfo(),
    history,
    notes: history.interrupted ? ['Run interrupted (SIGINT); resume with resume: true.'] : undefined,
    classNames: o.classNames ?? (Array.isArray(o.config?.classNames) ? (o.config.classNames as string[]) : undefined),
  };
}

/** The batches of `epoch` from either form of {@link EpochLoader}. */
export function epochBatches(l: EpochLoader, epoch: number): BatchSource {
  return epochBatchesFrom(l, epoch, 0).source;
}

/**
 * The batches of `epoch` starting at batch `startBatch`, asking the loader to skip the first ones
 * (`withEpoch(epoch, { startBatch })` of a `@cnn/data` Loader, or a function loader given
 * `(epoch, { startBatch })`). A source that reports `startBatch` equal to the request is trusted to
 * begin there (`first = startBatch`); any other (plain `(epoch) => AsyncIterable`, loaders without
 * `startBatch`) yields from batch 0 (`first = 0`) and the caller skips by iterating.
 */
export function epochBatchesFrom(l: EpochLoader, epoch: number, startBatch: number): { source: BatchSource; first: number } {
  let source: BatchSource;
  const opts = { startBatch };
  if (typeof l === 'function') source = l(epoch, opts);
  else if (l && typeof l.withEpoch === 'function') source = l.withEpoch(epoch, opts);
  else throw new TypeError('train: trainLoader must be a function (epoch) => batches or a Loader with withEpoch()');
  const first = startBatch > 0 && (source as { startBatch?: unknown }).startBatch === startBatch ? startBatch : 0;
  return { source, first };
}

/** A fresh pass of the evaluation batches. */
export function evalBatches(l: EvalLoader): BatchSource {
  return typeof l === 'function' ? l() : l;
}

function trainLoaderLength(o: LoopOptions): number {
  return epochBatches(o.trainLoader, 0).length ?? 0;
}

/** Drops the bulky parts of an evaluation for the per-epoch history / JSONL. */
function stripForHistory(e: EvalResult): EvalResult {
  const { examples, probabilities, labels, reliability, reliabilitySvg, ...rest } = e;
  void examples;
  void probabilities;
  void labels;
  void reliability;
  void reliabilitySvg;
  return rest;
}

function formatEpoch(r: EpochRecord, epochs: number): string {
  const parts = [
    `epoch ${r.epoch + 1}/${epochs}`,
    `train loss ${r.trainLoss.toFixed(4)}`,
    `train acc ${(100 * r.trainAccuracy).toFixed(2)}%`,
    `${r.imagesPerSecond.toFixed(1)} img/s`,
  ];
  if (r.eval) {
    parts.push(`eval acc ${(100 * r.eval.accuracy).toFixed(2)}%`, `nll ${r.eval.nll.toFixed(4)}`, `ece ${r.eval.ece.toFixed(4)}`);
    if (r.eval.robust) parts.push(`robust ${(100 * r.eval.robust.worstCase).toFixed(2)}%`);
  }
  parts.push(`${r.seconds.toFixed(1)} s`);
  return parts.join(' | ');
}
