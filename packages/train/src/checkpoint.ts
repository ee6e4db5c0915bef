import * as tf from '@tensorflow/tfjs-core';
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@cnn/core/node';
import { decodeSafetensors, encodeSafetensors } from '@cnn/models';
import type { Optimizer, OptimizerStateJson } from './optimizer.js';
import type { TrainableModel } from './types.js';

/** The JSON state of a checkpoint (`ckpt-EEEEEE-SSSSSSSS.json`). */
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
  /** File names (in the checkpoint directory) of the weights and the optimiser tensors. */
  files: { model: string; optimizer: string };
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
  /** Checkpoints to keep (older ones are deleted after the pointer moves), default 2. */
  keep?: number;
}

/** A checkpoint's state without its tensors (what a resume checks before it loads anything). */
export interface CheckpointInfo {
  state: CheckpointState;
  /** Path of the state JSON. */
  path: string;
  /**
   * True when the run finished after this checkpoint: all epochs trained, the final evaluation and
   * the report written (`finished` in `latest.json`, set by `train` as its last act).
   */
  finished: boolean;
}

/** A loaded checkpoint: the state, the weights file's bytes and the optimiser tensors (caller disposes them). */
export interface LoadedCheckpoint extends CheckpointInfo {
  /** Safetensors bytes of the weights (restore with {@link restoreCheckpoint} or `loadWeightsFromBytes`). */
  modelBytes: Uint8Array;
  /** Path of the weights file. */
  modelPath: string;
  optimizer: Record<string, tf.Tensor>;
}

const LATEST = 'latest.json';
const STEM = /^ckpt-(\d+)-(\d+)\.json$/;

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

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/**
 * Writes a checkpoint into `dir`: weights (`.model.safetensors`), optimiser tensors
 * (`.optim.safetensors`) and the state (`.json`), each atomically (temp + fsync + rename), and then
 * — last — the `latest.json` pointer, also atomically. A kill at any moment leaves `latest.json`
 * naming a complete checkpoint (the previous or the new one). Older checkpoints beyond `keep` are
 * deleted afterwards. Returns the state JSON's path. Creates no tensors.
 */
export async function saveCheckpoint(dir: string, input: SaveCheckpointInput): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stem = `ckpt-${pad(input.epoch, 6)}-${pad(input.step, 8)}`;
  const files = { model: `${stem}.model.safetensors`, optimizer: `${stem}.optim.safetensors` };
  const modelState = input.model.trainingState?.();
  await writeFileAtomic(join(dir, files.model), modelState?.weights ?? encodeTfjsLayout(input.model));
  await writeFileAtomic(join(dir, files.optimizer), encodeSafetensors(input.optimizer.stateTensors(), { format: 'cnn-train-optimizer' }));
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
    files,
    time: new Date().toISOString(),
  };
  const statePath = join(dir, `${stem}.json`);
  await writeFileAtomic(statePath, JSON.stringify(state));
  await writeFileAtomic(join(dir, LATEST), JSON.stringify({ state: `${stem}.json`, epoch: input.epoch, step: input.step, globalStep: input.globalStep }));
  await prune(dir, input.keep ?? 2, `${stem}.json`);
  return statePath;
}

/** Deletes all but the newest `keep` checkpoints (never the current one) and stray temp files. */
async function prune(dir: string, keep: number, current: string): Promise<void> {
  const names = await readdir(dir);
  const states = names.filter((n) => STEM.test(n)).sort();
  const drop = states.slice(0, Math.max(0, states.length - Math.max(1, keep))).filter((n) => n !== current);
  for (const s of drop) {
    const stem = s.slice(0, -'.json'.length);
    for (const f of [`${stem}.json`, `${stem}.model.safetensors`, `${stem}.optim.safetensors`]) {
      await unlink(join(dir, f)).catch(() => undefined);
    }
  }
  // Temp files of writes killed midway (never renamed) from other processes.
  for (const n of names) {
    const pid = tempFileWriterPid(n);
    if (pid !== undefined && pid !== process.pid) await unlink(join(dir, n)).catch(() => undefined);
  }
}

/**
 * The writer's process id when `name` is a temp file of an atomic write: `.<file>.<pid>.<hex>.tmp`
 * (`@cnn/core/node`'s `writeFileAtomic`) or `<file>.tmp-<pid>-<hex>` (train's own, before it).
 */
function tempFileWriterPid(name: string): number | undefined {
  const m = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name) ?? /\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** `latest.json`: the newest checkpoint's state file, and whether the run finished after it. */
interface LatestPointer {
  state: string;
  finished?: boolean;
}

async function readPointer(dir: string): Promise<LatestPointer | null> {
  const path = join(dir, LATEST);
  let pointer: LatestPointer;
  try {
    pointer = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${path}: unreadable checkpoint pointer (${(e as Error).message})`);
  }
  if (typeof pointer?.state !== 'string' || !STEM.test(pointer.state)) {
    throw new Error(`${path}: not a checkpoint pointer (no "state": "ckpt-….json")`);
  }
  return pointer;
}

/** Reads and checks a checkpoint's state JSON. */
async function readState(statePath: string): Promise<CheckpointState> {
  let state: CheckpointState;
  try {
    state = JSON.parse(await readFile(statePath, 'utf8'));
  } catch (e) {
    throw new Error(`${statePath}: unreadable checkpoint state (${(e as Error).message})`);
  }
  if (state?.format !== 'cnn-train-checkpoint' || state.version !== 1) {
    throw new Error(`${statePath}: not a cnn-train checkpoint (format ${String(state?.format)}, version ${String(state?.version)})`);
  }
  return state;
}

/**
 * The state of the checkpoint `latest.json` points to in `dir`, without loading its tensors (for
 * checks before a resume); null when `dir` has no `latest.json`. Creates no tensors.
 */
export async function readLatestCheckpointInfo(dir: string): Promise<CheckpointInfo | null> {
  const pointer = await readPointer(dir);
  if (!pointer) return null;
  const path = join(dir, pointer.state);
  return { state: await readState(path), path, finished: pointer.finished === true };
}

/**
 * Records in `latest.json` (atomically) that the run finished after its newest checkpoint: a later
 * `resume` has nothing left to do. The next {@link saveCheckpoint} clears it.
 */
export async function markRunFinished(dir: string): Promise<void> {
  const pointer = await readPointer(dir);
  if (!pointer) throw new Error(`${join(dir, LATEST)}: no checkpoint to mark as finished`);
  await writeFileAtomic(join(dir, LATEST), JSON.stringify({ ...pointer, finished: true, finishedAt: new Date().toISOString() }));
}

/**
 * Reads the checkpoint `latest.json` points to in `dir`; null when `dir` has no `latest.json`.
 * Corrupt or missing files raise a clear error naming the file.
 */
export async function loadLatestCheckpoint(dir: string): Promise<LoadedCheckpoint | null> {
  const pointer = await readPointer(dir);
  if (!pointer) return null;
  return { ...(await loadCheckpoint(join(dir, pointer.state))), finished: pointer.finished === true };
}

/** Reads one checkpoint from its state JSON path (tensors: caller disposes). */
export async function loadCheckpoint(statePath: string): Promise<LoadedCheckpoint> {
  const state = await readState(statePath);
  const dir = statePath.slice(0, Math.max(statePath.lastIndexOf('/'), statePath.lastIndexOf('\\')) + 1) || '.';
  const modelPath = join(dir, state.files.model);
  const optimPath = join(dir, state.files.optimizer);
  const modelBytes = new Uint8Array(await readFile(modelPath));
  let optimizer: Record<string, tf.Tensor>;
  try {
    optimizer = decodeSafetensors(new Uint8Array(await readFile(optimPath))).tensors;
  } catch (e) {
    throw new Error(`${optimPath}: ${(e as Error).message}`);
  }
  return { state, path: statePath, finished: false, modelBytes, modelPath, optimizer };
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
