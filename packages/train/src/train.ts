import * as tf from '@tensorflow/tfjs-core';
import { appendFile, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { backendInfo, createRng, ensureGradients, type LabeledBatch, type Rng } from '@cnn/backend';
import { adversarialBatch } from './adversarial.js';
import { encodeModelWeights, loadLatestCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import { clipByGlobalNorm } from './clip.js';
import { evaluate } from './evaluate.js';
import { lossTargets, softCrossEntropy } from './loss.js';
import { mixBatch } from './mix.js';
import { createOptimizer, type Optimizer } from './optimizer.js';
import { Progress } from './progress.js';
import { writeReport } from './report.js';
import { learningRateAt, learningRateForStep } from './schedule.js';
import { writeFileAtomic } from './atomic-write.js';
import type { BatchSource, EpochLoader, EvalLoader, EpochRecord, EvalResult, StepRecord, TrainHistory, TrainOptions, TrainableModel, TrainingMode } from './types.js';

/** Thrown when the loss becomes NaN/Inf; names where. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly globalStep: number,
    readonly loss: number,
  ) {
    super(
      `non-finite training loss (${loss}) at epoch ${epoch + 1}, step ${step + 1} (global step ${globalStep + 1}); ` +
        'the update was not applied — lower the learning rate, add gradient clipping, or check the data',
    );
    this.name = 'NonFiniteLossError';
  }
}

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

/** Options as recorded in checkpoints and the report (everything serialisable). */
function recordedConfig(o: TrainOptions, stepsPerEpoch: number): Record<string, unknown> {
  return {
    epochs: o.epochs,
    stepsPerEpoch,
    optimizer: o.optimizer,
    schedule: o.schedule,
    mode: o.mode ?? { type: 'standard' },
    labelSmoothing: o.labelSmoothing ?? 0,
    gradClipNorm: o.gradClipNorm ?? null,
    seed: o.seed ?? 0,
    evaluate: o.evaluate ?? {},
    finalEvaluate: o.finalEvaluate ?? o.evaluate ?? {},
    bestMetric: o.bestMetric ?? { name: 'accuracy', mode: 'max' },
    user: o.config ?? {},
  };
}

function validate(o: TrainOptions): void {
  if (!o || typeof o !== 'object') throw new TypeError('train: options object required');
  if (!o.model || typeof o.model.apply !== 'function' || typeof o.model.namedParameters !== 'function') {
    throw new TypeError('train: options.model must have apply() and namedParameters() (a @cnn/models Model)');
  }
  if (typeof o.trainLoader !== 'function' && typeof (o.trainLoader as { withEpoch?: unknown })?.withEpoch !== 'function') {
    throw new TypeError('train: options.trainLoader must be a function (epoch) => batches or a Loader with withEpoch()');
  }
  if (!Number.isInteger(o.epochs) || o.epochs <= 0) throw new RangeError(`train: epochs must be a positive integer, got ${o.epochs}`);
  if (o.gradClipNorm !== undefined && !(o.gradClipNorm > 0)) throw new RangeError(`train: gradClipNorm must be > 0, got ${o.gradClipNorm}`);
  const m = o.mode;
  if (m && (m.type === 'pgd' || m.type === 'fgsm-rs')) {
    const f = m.cleanFraction ?? 0;
    if (!(f >= 0 && f <= 1)) throw new RangeError(`train: mode.cleanFraction must be in [0, 1], got ${f}`);
  }
  if (m && !['standard', 'mixup', 'cutmix', 'pgd', 'fgsm-rs'].includes(m.type)) {
    throw new Error(`train: unknown mode "${(m as { type: string }).type}" (standard, mixup, cutmix, pgd, fgsm-rs)`);
  }
  if (o.resume && !o.outDir) throw new Error('train: resume needs outDir (where the checkpoints are)');
  const best = o.bestMetric?.name ?? 'accuracy';
  if (o.evalLoader && best.startsWith('robust.') && !(o.evaluate?.attacks?.length)) {
    throw new Error(`train: bestMetric "${best}" needs attacks in the per-epoch evaluation (options.evaluate.attacks)`);
  }
}

/** Per-epoch accumulators, saved in checkpoints so a mid-epoch resume reports the same epoch means. */
interface EpochSums {
  loss: number;
  correct: number;
  seen: number;
  trainSeconds: number;
}

interface StepOutcome {
  loss: number;
  correct: number;
  gradNorm: number;
}

/**
 * One optimisation step on a batch: mode transform (mixup / cutmix / adversarial examples), forward
 * in training mode, loss (soft targets, label smoothing), gradients, non-finite check, clipping,
 * optimiser update. Disposes every tensor it makes; does not dispose `batch`.
 */
async function trainStep(
  model: TrainableModel,
  optimizer: Optimizer,
  batch: LabeledBatch,
  numClasses: number,
  mode: TrainingMode,
  rng: Rng,
  lr: number,
  o: TrainOptions,
  where: { epoch: number; step: number; globalStep: number },
): Promise<StepOutcome> {
  const made: tf.Tensor[] = [];
  try {
    let images = batch.images;
    let targets = lossTargets(batch.labels, numClasses, { targets: batch.targets, labelSmoothing: o.labelSmoothing });
    made.push(targets);
    if (mode.type === 'mixup' || mode.type === 'cutmix') {
      const mixed = mixBatch(mode, images, batch.labels, targets, rng);
      made.push(mixed.images, mixed.targets);
      images = mixed.images;
      targets = mixed.targets;
    } else if (mode.type === 'pgd' || mode.type === 'fgsm-rs') {
      images = await adversarialBatch(mode, model, images, batch.labels, rng);
      made.push(images);
    }
    const params = model.namedParameters();
    const vars = params.map((p) => p[1]);
    let logits: tf.Tensor2D | undefined;
    const { value, grads: byId } = tf.variableGrads(() => {
      const out = model.apply(images, { training: true, updateRunningStats: true });
      if (out.shape[1] !== numClasses) throw new Error(`model outputs ${out.shape[1]} classes, expected ${numClasses}`);
      logits = tf.keep(out);
      return softCrossEntropy(out, targets);
    }, vars);
    made.push(value, ...Object.values(byId));
    if (logits) made.push(logits);
    const stats = tf.tidy(() => {
      const pred = tf.argMax(logits!, 1);
      const correct = tf.sum(tf.cast(tf.equal(pred, tf.cast(batch.labels, 'int32')), 'float32'));
      return tf.stack([tf.reshape(value, []), correct]);
    });
    const [loss, correct] = Array.from(stats.dataSync());
    stats.dispose();
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(where.epoch, where.step, where.globalStep, loss);
    // variableGrads keys gradients by variable name; map them back to the parameter names.
    const grads: Record<string, tf.Tensor> = {};
    for (const [name, v] of params) {
      const g = byId[v.name];
      if (g) grads[name] = g;
    }
    const clipped = clipByGlobalNorm(grads, o.gradClipNorm);
    if (clipped.grads !== grads) made.push(...Object.values(clipped.grads));
    if (!Number.isFinite(clipped.norm)) throw new NonFiniteLossError(where.epoch, where.step, where.globalStep, clipped.norm);
    optimizer.step(clipped.grads, lr);
    return { loss, correct, gradNorm: clipped.norm };
  } finally {
    for (const t of made) if (!t.isDisposed) t.dispose();
  }
}

/**
 * Trains `options.model` in place: per epoch, the batches of `trainLoader(epoch)` through the
 * chosen mode (standard, mixup, cutmix, PGD-k, FGSM-RS), with the optimiser and per-iteration
 * LR schedule; evaluation on `evalLoader` every `evalEvery` epochs; checkpoints (atomic, with a
 * `latest.json` pointer written last) every epoch and every `checkpointEverySteps`; best-model
 * weights; `metrics.jsonl`; progress; a final evaluation and `report.html`.
 *
 * With `resume: true` it continues from `outDir/checkpoints/latest.json` exactly: weights, BN
 * buffers, optimiser state, RNG state, epoch and step (the epoch's already-trained batches are
 * skipped and disposed).
 *
 * Stops with {@link NonFiniteLossError} when the loss is NaN/Inf (before applying that update). On
 * SIGINT (with `handleSigint`) it finishes the current step, writes a checkpoint and returns with
 * `interrupted: true`; a second SIGINT exits at once with code 130.
 *
 * Leaves `tf.memory().numTensors` unchanged (apart from the model's own updated variables).
 */
export async function train(options: TrainOptions): Promise<TrainHistory> {
  validate(options);
  ensureGradients();
  const o = options;
  const model = o.model;
  const mode: TrainingMode = o.mode ?? { type: 'standard' };
  const seed = o.seed ?? 0;
  const rng = createRng(seed).fork(0x7a1);
  const logEvery = Math.max(1, o.logEverySteps ?? 10);
  const progress = new Progress(o.progress ?? 'auto');
  const ckptDir = o.outDir ? join(o.outDir, 'checkpoints') : undefined;
  const metricsPath = o.outDir ? join(o.outDir, 'metrics.jsonl') : undefined;
  if (o.outDir) await mkdir(o.outDir, { recursive: true });

  const stepsPerEpoch = o.stepsPerEpoch ?? trainLoaderLength(o);
  if (!(stepsPerEpoch > 0)) {
    throw new Error('train: cannot tell the number of steps per epoch: give options.stepsPerEpoch or a loader with a length');
  }
  const config = recordedConfig(o, stepsPerEpoch);
  const optimizer = createOptimizer(o.optimizer, model.namedParameters());
  const history: TrainHistory = { epochs: [], steps: [] };
  let startEpoch = 0;
  let startStep = 0;
  let globalStep = 0;
  let sums: EpochSums = { loss: 0, correct: 0, seen: 0, trainSeconds: 0 };
  const bestMetric = { name: o.bestMetric?.name ?? 'accuracy', mode: o.bestMetric?.mode ?? defaultBestMode(o.bestMetric?.name ?? 'accuracy') };
  let numClasses = o.numClasses ?? 0;

  const jsonl = async (record: Record<string, unknown>): Promise<void> => {
    if (metricsPath) await appendFile(metricsPath, JSON.stringify(record) + '\n');
  };

  try {
    if (o.resume && metricsPath) await endWithNewline(metricsPath);
    if (o.resume && ckptDir) {
      const ck = await loadLatestCheckpoint(ckptDir);
      if (ck) {
        const savedSeed = (ck.state.config as { seed?: unknown }).seed;
        if (typeof savedSeed === 'number' && savedSeed !== seed) {
          throw new Error(`train: resume: ${ck.path} was written by a run with seed ${savedSeed}, options.seed is ${seed} (use the same seed to continue exactly)`);
        }
        restoreCheckpoint(ck, model, optimizer);
        rng.setState(ck.state.rng);
        startEpoch = ck.state.epoch;
        startStep = ck.state.step;
        globalStep = ck.state.globalStep;
        const extra = (ck.state.extra ?? {}) as { history?: TrainHistory; sums?: EpochSums; numClasses?: number };
        if (extra.history) {
          history.epochs = extra.history.epochs ?? [];
          history.steps = extra.history.steps ?? [];
          history.best = extra.history.best;
        }
        if (extra.sums) sums = extra.sums;
        if (!numClasses && extra.numClasses) numClasses = extra.numClasses;
        const saved = ck.state.config as { stepsPerEpoch?: number };
        if (saved.stepsPerEpoch && saved.stepsPerEpoch !== stepsPerEpoch) {
          progress.log(`warning: steps per epoch changed from ${saved.stepsPerEpoch} to ${stepsPerEpoch} since the checkpoint`);
        }
        history.resumedFrom = { epoch: startEpoch, step: startStep };
        progress.log(`resumed from ${ck.path}: epoch ${startEpoch + 1}, step ${startStep}, global step ${globalStep}`);
        await jsonl({ kind: 'resume', epoch: startEpoch, step: startStep, globalStep, checkpoint: ck.path, time: new Date().toISOString() });
      }
    }
    if (!history.resumedFrom) await jsonl({ kind: 'start', config, backend: backendInfo(), time: new Date().toISOString() });

    // SIGINT: finish the step, checkpoint, return. A second one exits now.
    let stopRequested = false;
    const onSigint = (): void => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      progress.log('\nSIGINT: writing a checkpoint after this step, then stopping (press Ctrl-C again to exit now)');
    };
    const handleSigint = o.handleSigint ?? Boolean(o.outDir);
    if (handleSigint) process.on('SIGINT', onSigint);

    const checkpoint = async (epoch: number, step: number): Promise<string | undefined> => {
      if (!ckptDir) return undefined;
      const path = await saveCheckpoint(ckptDir, {
        model,
        optimizer,
        epoch,
        step,
        globalStep,
        rng: rng.getState(),
        config,
        best: history.best,
        extra: { history: { epochs: history.epochs, steps: history.steps, best: history.best }, sums, numClasses },
        keep: o.keepCheckpoints ?? 2,
      });
      history.files = { ...(history.files ?? { outDir: o.outDir! }), checkpoint: path };
      return path;
    };

    try {
      let stopped = false;
      for (let epoch = startEpoch; epoch < o.epochs && !stopped; epoch++) {
        const epochStart = Date.now();
        const skip = epoch === startEpoch ? startStep : 0;
        if (epoch !== startEpoch || startStep === 0) sums = { loss: 0, correct: 0, seen: 0, trainSeconds: 0 };
        if (skip > stepsPerEpoch) {
          throw new Error(
            `train: resume: the checkpoint is at step ${skip} of epoch ${epoch + 1}, but an epoch now has ${stepsPerEpoch} steps ` +
              '(batch size or data changed since the checkpoint?)',
          );
        }
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
          let out: StepOutcome;
          try {
            if (!numClasses) numClasses = inferClasses(model, batch);
            out = await trainStep(model, optimizer, batch, numClasses, mode, rng, lr, o, { epoch, step, globalStep });
          } finally {
            disposeBatch(batch);
          }
          const n = batch.images.shape[0];
          sums.loss += out.loss * n;
          sums.correct += out.correct;
          sums.seen += n;
          const now = Date.now();
          sums.trainSeconds += (now - tick) / 1000;
          tick = now;
          const record: StepRecord = { epoch, step, globalStep, lr, loss: out.loss, accuracy: out.correct / n, gradNorm: out.gradNorm, batchSize: n };
          step++;
          globalStep++;
          if ((globalStep - 1) % logEvery === 0) {
            history.steps.push(record);
            await jsonl({ kind: 'step', ...record });
          }
          o.onStep?.(record);
          progress.update(step, {
            loss: sums.loss / sums.seen,
            accuracy: sums.correct / sums.seen,
            lr,
            imagesPerSecond: sums.seen / Math.max(1e-9, sums.trainSeconds),
          });
          const budgetDone = o.maxSteps !== undefined && globalStep >= o.maxSteps;
          if (stopRequested || budgetDone) {
            progress.endEpoch();
            // Drain nothing more: the loader is abandoned (its pending batches are never created).
            if (step < total) {
              await checkpoint(epoch, step);
              if (stopRequested) history.interrupted = true;
              stopped = true;
              break;
            }
          } else if (o.checkpointEverySteps && globalStep % o.checkpointEverySteps === 0 && step < total) {
            await checkpoint(epoch, step);
          }
        }
        progress.endEpoch();
        if (stopped) break;
        if (step === 0) throw new Error(`train: the training loader of epoch ${epoch} no batches`);
        if (step < skip) throw new Error(`train: the training loader of epoch ${epoch} ${step} batches, fewer than the ${skip} already trained in the checkpoint`);

        const rec: EpochRecord = {
          epoch,
          trainLoss: sums.loss / Math.max(1, sums.seen),
          trainAccuracy: sums.correct / Math.max(1, sums.seen),
          lr,
          imagesPerSecond: sums.seen / Math.max(1e-9, sums.trainSeconds),
          seconds: 0,
        };
        const evalEvery = o.evalEvery ?? 1;
        if (o.evalLoader && ((epoch + 1) % evalEvery === 0 || epoch + 1 === o.epochs)) {
          rec.eval = stripForHistory(await evaluate(model, evalBatches(o.evalLoader), { ...o.evaluate, keepExamples: 0, keepPredictions: false }));
          const value = metricValue(rec.eval, bestMetric.name);
          const better = !history.best || (bestMetric.mode === 'max' ? value > history.best.value : value < history.best.value);
          if (better) {
            history.best = { epoch, metric: bestMetric.name, value };
            if (o.outDir) {
              await writeFileAtomic(join(o.outDir, 'best.safetensors'), encodeModelWeights(model));
              await writeFileAtomic(join(o.outDir, 'best.json'), JSON.stringify({ ...history.best, time: new Date().toISOString() }));
              history.files = { ...(history.files ?? { outDir: o.outDir }), best: join(o.outDir, 'best.safetensors') };
            }
          }
        }
        rec.seconds = (Date.now() - epochStart) / 1000;
        history.epochs.push(rec);
        progress.log(formatEpoch(rec, o.epochs));
        await jsonl({ kind: 'epoch', ...rec, time: new Date().toISOString() });
        o.onEpoch?.(rec);
        sums = { loss: 0, correct: 0, seen: 0, trainSeconds: 0 };
        await checkpoint(epoch + 1, 0);
        if (stopRequested) {
          history.interrupted = true;
          break;
        }
        if (o.maxSteps !== undefined && globalStep >= o.maxSteps) break;
      }
    } catch (e) {
      // The run's record says why it ended (the message names epoch and step).
      if (e instanceof NonFiniteLossError) {
        await jsonl({ kind: 'error', error: e.name, message: e.message, epoch: e.epoch, step: e.step, globalStep: e.globalStep, time: new Date().toISOString() });
      }
      throw e;
    } finally {
      // A bar left running on an error would leave the terminal's cursor hidden.
      progress.endEpoch();
      if (handleSigint) process.removeListener('SIGINT', onSigint);
    }

    // Final evaluation unless interrupted (a maxSteps budget counts as the end of the run).
    if (!history.interrupted && o.evalLoader) {
      const final = o.finalEvaluate ?? o.evaluate ?? {};
      progress.log('final evaluation…');
      history.final = await evaluate(model, evalBatches(o.evalLoader), { keepExamples: 16, ...final });
      await jsonl({ kind: 'final', ...stripForHistory(history.final), time: new Date().toISOString() });
    }
    if (o.outDir) {
      history.files = { ...(history.files ?? { outDir: o.outDir }), metrics: metricsPath };
      if (o.report ?? true) {
        const reportPath = join(o.outDir, 'report.html');
        await writeReport(reportPath, {
          title: o.title ?? 'Training run',
          config,
          backend: backendInfo(),
          history,
          notes: history.interrupted ? ['Run interrupted (SIGINT); resume with resume: true.'] : undefined,
          classNames: o.classNames ?? (Array.isArray(o.config?.classNames) ? (o.config.classNames as string[]) : undefined),
        });
        history.files.report = reportPath;
      }
    }
    return history;
  } finally {
    optimizer.dispose();
  }
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

function trainLoaderLength(o: TrainOptions): number {
  return epochBatches(o.trainLoader, 0).length ?? 0;
}

/** A kill mid-append can leave a partial last line in the JSONL: terminate it so later records parse. */
async function endWithNewline(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return;
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] !== 0x0a) await appendFile(path, '\n');
  } finally {
    await fh.close();
  }
}

function inferClasses(model: TrainableModel, batch: LabeledBatch): number {
  if (batch.targets) return batch.targets.shape[1];
  return tf.tidy(() => model.apply(tf.slice(batch.images, [0, 0, 0, 0], [1, -1, -1, -1]), { training: false }).shape[1]);
}

function disposeBatch(b: LabeledBatch): void {
  for (const t of [b.images, b.labels, b.targets]) if (t && !t.isDisposed) t.dispose();
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
