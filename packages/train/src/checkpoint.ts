import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors } from '@cnn/models';
import type { CheckpointRecord, StoredCheckpoint } from './checkpoint-sink.js';
import type { Optimizer, OptimizerStateJson } from './optimizer.js';
import type { TrainableModel } from './types.js';

/** The JSON state of a checkpoint (as a file: `ckpt-EEEEEE-SSSSSSSS.json`). */
export interface CheckpointState {
  format: 'cnn-train-checkpoint';
  version: 1;
  /** The next batch to train on: epoch (0-based) and step within it. */
  epoch: number;
  step: number;
  /** Optimisation steps done so far. */
  globalStep: number;
  /** State of the trainer's RNG (`Rng.getState()` of `@cnn/core`). */
  rng: number[];
  /** State of the model's dropout-mask stream (`model.getRngState()`), when the model has one. */
  modelRng?: number[];
  optimizer: OptimizerStateJson;
  /** Training configuration (serialisable part of the options + user config). */
  config: Record<string, unknown>;
  /** Best metric so far. */
  best?: { epoch: number; metric: string; value: number };
  /** Anything else the trainer wants back on resume (history so far, …). */
  extra?: Record<string, unknown>;
  /**
   * File names (in the checkpoint directory) of the weights and the optimiser tensors: written by
   * the file sink of `@cnn/train/node`, absent in checkpoints kept elsewhere.
   */
  files?: { model: string; optimizer: string };
  /** ISO time written. */
  time: string;
}

export interface SaveCheckpointInput {
  model: TrainableModel;
  optimizer: Optimizer;
  epoch: number;
  step: number;
  globalStep: number;
  rng: number[];
  /** The model's own RNG state (default: `model.getRngState()` when the model has it). */
  modelRng?: number[];
  config: Record<string, unknown>;
  best?: CheckpointState['best'];
  extra?: Record<string, unknown>;
  /** Checkpoints to keep (`saveCheckpoint` of `@cnn/train/node` deletes older ones after the pointer moves), default 2. */
  keep?: number;
}

/** A checkpoint's state without its tensors (what a resume checks before it loads anything). */
export interface CheckpointInfo {
  state: CheckpointState;
  /** Where the state is (the state JSON's path for files): named in messages. */
  path: string;
  /**
   * True when the run finished after this checkpoint: all epochs trained, the final evaluation and
   * the report written (`markFinished` of the sink — `finished` in `latest.json` for files — called
   * by `train` as its last act).
   */
  finished: boolean;
}

/** A loaded checkpoint: the state, the weights file's bytes and the optimiser tensors (caller disposes them). */
export interface LoadedCheckpoint extends CheckpointInfo {
  /** Safetensors bytes of the weights (restore with {@link restoreCheckpoint} or `loadWeightsFromBytes`). */
  modelBytes: Uint8Array;
  /** Where the weights are (the weights file's path for files): named in messages. */
  modelPath: string;
  optimizer: Record<string, tf.Tensor>;
}

/** The model's parameters and buffers by (PyTorch) name: what a checkpoint's weights file holds. */
export function modelTensors(model: TrainableModel): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, v] of [...model.namedParameters(), ...model.namedBuffers()]) {
    if (out[name]) throw new Error(`model has two tensors named "${name}"`);
    out[name] = v;
  }
  return out;
}

/**
 * Copies `tensors` into the model's variables by name. Every parameter and buffer must be present
 * with the same shape (a clear error otherwise, naming `source`). Nothing changes on error. Does not
 * dispose `tensors`.
 */
export function assignModelTensors(model: TrainableModel, tensors: Record<string, tf.Tensor>, source = 'checkpoint'): void {
  const targets = modelTensors(model);
  for (const [name, t] of Object.entries(targets)) {
    const v = tensors[name];
    if (!v) throw new Error(`${source}: missing tensor "${name}"`);
    if (v.shape.join(',') !== t.shape.join(',')) throw new Error(`${source}: "${name}" has shape [${v.shape}], the model expects [${t.shape}]`);
    if (!(t instanceof tf.Variable)) throw new Error(`${source}: model tensor "${name}" is not a tf.Variable and cannot be restored`);
  }
  for (const [name, t] of Object.entries(targets)) {
    const v = tensors[name];
    if (v.dtype === t.dtype) (t as tf.Variable).assign(v);
    else tf.tidy(() => (t as tf.Variable).assign(tf.cast(v, t.dtype)));
  }
}

/** A model's weights as safetensors bytes in its own (TF.js) layout: for models without `trainingState()`. */
function encodeTfjsLayout(model: TrainableModel): Uint8Array {
  return encodeSafetensors(modelTensors(model), { format: 'pt', layout: 'tfjs' });
}

/**
 * The model's parameters and buffers as safetensors bytes. A model with `trainingState()` (a
 * `@cnn/models` Model: PyTorch layout, loadable by `loadWeights` and by PyTorch's
 * `load_state_dict`) writes its own; any other {@link TrainableModel} is written in its own
 * (TF.js) layout with `__metadata__.layout = 'tfjs'`.
 */
export function encodeModelWeights(model: TrainableModel): Uint8Array {
  return model.trainingState ? model.trainingState().weights : encodeTfjsLayout(model);
}

/** Restores {@link encodeModelWeights}' bytes into the model (everything must match by name and shape). */
export function decodeModelWeights(model: TrainableModel, bytes: Uint8Array, source = 'weights'): void {
  if (model.loadTrainingState) {
    try {
      model.loadTrainingState({ weights: bytes });
    } catch (e) {
      throw new Error(`${source}: ${(e as Error).message}`);
    }
    return;
  }
  const { tensors } = decodeSafetensors(bytes);
  try {
    assignModelTensors(model, tensors, source);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/**
 * The checkpoint of `input` as bytes and JSON, ready for a {@link CheckpointSink}: the weights
 * (safetensors, as {@link encodeModelWeights} writes them), the optimiser tensors (safetensors) and
 * the state. Creates no tensors.
 */
export function checkpointRecord(input: SaveCheckpointInput): CheckpointRecord {
  const modelState = input.model.trainingState?.();
  const modelBytes = modelState?.weights ?? encodeTfjsLayout(input.model);
  const optimizerBytes = encodeSafetensors(input.optimizer.stateTensors(), { format: 'cnn-train-optimizer' });
  const state: CheckpointState = {
    format: 'cnn-train-checkpoint',
    version: 1,
    epoch: input.epoch,
    step: input.step,
    globalStep: input.globalStep,
    rng: input.rng,
    modelRng: input.modelRng ?? modelState?.rng ?? input.model.getRngState?.(),
    optimizer: input.optimizer.stateJson(),
    config: input.config,
    best: input.best,
    extra: input.extra,
    time: new Date().toISOString(),
  };
  return { state, modelBytes, optimizerBytes };
}

/** Checks that `state` is a cnn-train checkpoint state (`source` names it in the error). */
export function checkCheckpointState(state: CheckpointState, source: string): CheckpointState {
  if (state?.format !== 'cnn-train-checkpoint' || state.version !== 1) {
    throw new Error(`${source}: not a cnn-train checkpoint (format ${String(state?.format)}, version ${String(state?.version)})`);
  }
  return state;
}

/** A stored checkpoint with its optimiser tensors decoded (the caller disposes them, or {@link restoreCheckpoint} does). */
export function decodeStoredCheckpoint(stored: StoredCheckpoint): LoadedCheckpoint {
  let optimizer: Record<string, tf.Tensor>;
  try {
    optimizer = decodeSafetensors(stored.optimizerBytes).tensors;
  } catch (e) {
    throw new Error(`${stored.optimizerPath}: ${(e as Error).message}`);
  }
  return { state: stored.state, path: stored.path, finished: stored.finished, modelBytes: stored.modelBytes, modelPath: stored.modelPath, optimizer };
}

/**
 * Restores a loaded checkpoint into a model and optimiser (weights, BN buffers, the model's
 * dropout RNG when both the checkpoint and the model have one, optimiser state) and disposes the
 * checkpoint's tensors. Validates everything; throws naming the file on mismatch.
 */
export function restoreCheckpoint(ck: LoadedCheckpoint, model: TrainableModel, optimizer: Optimizer): void {
  try {
    if (model.loadTrainingState) restoreTrainingState(ck, model.loadTrainingState.bind(model));
    else restoreTensorsAndRng(ck, model);
    optimizer.loadState(ck.state.optimizer, ck.optimizer);
  } finally {
    tf.dispose(Object.values(ck.optimizer));
  }
}

/** A model that restores itself (weights and dropout stream, all or nothing, errors naming the part). */
function restoreTrainingState(ck: LoadedCheckpoint, load: NonNullable<TrainableModel['loadTrainingState']>): void {
  try {
    load({ weights: ck.modelBytes, rng: ck.state.modelRng });
  } catch (e) {
    throw new Error(`checkpoint ${ck.path} (weights ${ck.modelPath}): ${(e as Error).message}`);
  }
}

/** Any other model: its tensors by name, then its RNG stream when both sides have one. */
function restoreTensorsAndRng(ck: LoadedCheckpoint, model: TrainableModel): void {
  decodeModelWeights(model, ck.modelBytes, ck.modelPath);
  if (!ck.state.modelRng || typeof model.setRngState !== 'function') return;
  try {
    model.setRngState(ck.state.modelRng);
  } catch (e) {
    throw new Error(
      `${ck.path}: cannot restore the model's dropout RNG (${(e as Error).message}); ` +
        'create the model with the same seed as the checkpointed run for an exact resume',
    );
  }
}
