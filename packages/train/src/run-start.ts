import * as tf from '@tensorflow/tfjs-core';
import { backendInfo } from '@cnn/backend';
import type { Rng } from '@cnn/core';
import { decodeStoredCheckpoint, restoreCheckpoint, type LoadedCheckpoint } from './checkpoint.js';
import type { CheckpointSink } from './checkpoint-sink.js';
import { configChanges, formatConfigChanges, type ConfigChange } from './config-changes.js';
import type { Optimizer } from './optimizer.js';
import type { LineProgress } from './progress-lines.js';
import type { RunFolder } from './run-folder.js';
import type { TrainHistory, TrainOptions } from './types.js';

/** Per-epoch accumulators, saved in checkpoints so a mid-epoch resume reports the same epoch means. */
export interface EpochSums {
  loss: number;
  correct: number;
  seen: number;
  trainSeconds: number;
}

export const emptySums = (): EpochSums => ({ loss: 0, correct: 0, seen: 0, trainSeconds: 0 });

/** Where a run begins: the next batch, the history so far, and whether there is anything left to do. */
export interface RunStart {
  epoch: number;
  step: number;
  globalStep: number;
  history: TrainHistory;
  sums: EpochSums;
  numClasses: number;
  /** The checkpoint says the run finished (all epochs, final evaluation, report): nothing to do. */
  alreadyFinished: boolean;
}

/** What {@link beginRun} needs from `train`. */
export interface RunContext {
  o: TrainOptions;
  optimizer: Optimizer;
  rng: Rng;
  /** The configuration recorded in checkpoints (see `recordedConfig`). */
  config: Record<string, unknown>;
  /** Where the checkpoints are (the run folder's, or `options.checkpoints`). */
  sink?: CheckpointSink;
  /** The run folder (Node's `outDir`): its log is started or rewritten here. */
  folder?: RunFolder;
  progress: LineProgress;
}

/**
 * Settings of the recorded configuration that a resume does not compare: the free-form `user`
 * part (a caller such as a CLI records run-specific things there — its command line, its backend —
 * and compares what matters to it itself).
 */
const NOT_COMPARED = ['user'];

/**
 * Starts the run: with `resume` and a checkpoint, checks the configuration (refusing changed
 * settings unless `forceResume`), restores weights, optimiser and RNG and rewrites the log for the
 * resume point; with `resume` and a finished run, does nothing; otherwise starts from the
 * beginning with a fresh log (a fresh start over an existing checkpoint is refused).
 */
export async function beginRun(c: RunContext): Promise<RunStart> {
  const fresh: RunStart = { epoch: 0, step: 0, globalStep: 0, history: { epochs: [], steps: [] }, sums: emptySums(), numClasses: c.o.numClasses ?? 0, alreadyFinished: false };
  const resuming = Boolean(c.o.resume || c.o.forceResume);
  const stored = c.sink ? await c.sink.loadLatest() : null;
  if (stored && !resuming) {
    const [holder, where, other] = c.folder ? [c.folder.outDir, c.folder.latest, 'outDir'] : [`checkpoint sink ${c.sink!.location}`, stored.path, 'sink'];
    throw new Error(`train: ${holder} already holds a run (${where}): pass resume: true to continue it, or choose another ${other}`);
  }
  if (!stored) {
    if (resuming) c.progress.log(`resume: no checkpoint in ${c.sink!.location} yet; starting from the beginning`);
    await c.folder?.startLog((discarded) => ({ kind: 'start', config: c.config, backend: backendInfo(), ...(discarded ? { discarded } : {}), time: new Date().toISOString() }));
    return fresh;
  }
  const ck = decodeStoredCheckpoint(stored);
  try {
    return await resumeFrom(ck, c, fresh);
  } finally {
    tf.dispose(Object.values(ck.optimizer));
  }
}

/** History, accumulators and class count a checkpoint carries for the trainer. */
function savedExtra(ck: LoadedCheckpoint): { history?: TrainHistory; sums?: EpochSums; numClasses?: number } {
  return (ck.state.extra ?? {}) as { history?: TrainHistory; sums?: EpochSums; numClasses?: number };
}

function savedHistory(ck: LoadedCheckpoint): TrainHistory {
  const h = savedExtra(ck).history;
  return { epochs: h?.epochs ?? [], steps: h?.steps ?? [], ...(h?.best ? { best: h.best } : {}) };
}

/** The settings that differ from the checkpoint's; throws unless `forceResume`. */
function checkUnchanged(ck: LoadedCheckpoint, c: RunContext): ConfigChange[] {
  const changes = configChanges(ck.state.config, c.config, NOT_COMPARED);
  if (changes.length === 0) return changes;
  const list = formatConfigChanges(changes);
  if (!c.o.forceResume) {
    throw new Error(
      `train: resume: ${ck.path} was written with other settings (checkpoint → now): ${list}. ` +
        'Resume with the same settings to continue the run exactly, or pass forceResume: true to continue with the new ones',
    );
  }
  c.progress.log(`warning: resuming with changed settings (forceResume): ${list}`);
  return changes;
}

async function resumeFrom(ck: LoadedCheckpoint, c: RunContext, fresh: RunStart): Promise<RunStart> {
  const { o } = c;
  const { epoch, step, globalStep } = ck.state;
  if (ck.finished && epoch >= o.epochs) {
    c.progress.log(`the run in ${c.folder?.outDir ?? c.sink!.location} already finished (${epoch} of ${o.epochs} epochs trained, final evaluation done): nothing to do`);
    return { ...fresh, epoch, globalStep, history: savedHistory(ck), alreadyFinished: true };
  }
  const changed = checkUnchanged(ck, c);
  const stepsPerEpoch = c.config.stepsPerEpoch as number;
  if (step > stepsPerEpoch) {
    throw new Error(
      `train: resume: the checkpoint is at step ${step} of epoch ${epoch + 1}, but an epoch now has ${stepsPerEpoch} steps ` +
        '(batch size or data changed since the checkpoint?)',
    );
  }
  restoreCheckpoint(ck, o.model, c.optimizer);
  c.rng.setState(ck.state.rng);
  const extra = savedExtra(ck);
  const history: TrainHistory = { ...savedHistory(ck), resumedFrom: { epoch, step } };
  if (c.folder) {
    await c.folder.resumeLog({ epoch, globalStep }, (discarded) => ({
      kind: 'resume',
      epoch,
      step,
      globalStep,
      checkpoint: ck.path,
      discarded,
      ...(changed.length ? { changed } : {}),
      time: new Date().toISOString(),
    }));
  }
  c.progress.log(
    epoch >= o.epochs
      ? `resumed from ${ck.path}: all ${o.epochs} epochs were trained; running the final evaluation`
      : `resumed from ${ck.path}: epoch ${epoch + 1}, step ${step}, global step ${globalStep}`,
  );
  return { epoch, step, globalStep, history, sums: extra.sums ?? emptySums(), numClasses: o.numClasses || extra.numClasses || 0, alreadyFinished: false };
}
