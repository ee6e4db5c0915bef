// Checkpoints as files (Node): the folder layout, atomic writes and the `latest.json` pointer.
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@cnn/core/node';
import {
  checkCheckpointState,
  checkpointRecord,
  decodeStoredCheckpoint,
  type CheckpointInfo,
  type CheckpointState,
  type LoadedCheckpoint,
  type SaveCheckpointInput,
} from './checkpoint.js';
import type { CheckpointRecord, CheckpointSink, StoredCheckpoint } from './checkpoint-sink.js';

/** A checkpoint's state as its file holds it: with the names of the weight files beside it. */
export type FileCheckpointState = CheckpointState & Required<Pick<CheckpointState, 'files'>>;

/** A checkpoint read from files (see {@link LoadedCheckpoint}). */
export interface LoadedFileCheckpoint extends LoadedCheckpoint {
  state: FileCheckpointState;
}

/** A checkpoint's state read from files, without its tensors (see {@link CheckpointInfo}). */
export interface FileCheckpointInfo extends CheckpointInfo {
  state: FileCheckpointState;
}

const LATEST = 'latest.json';
const STEM = /^ckpt-(\d+)-(\d+)\.json$/;

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/**
 * Writes a checkpoint into `dir`: weights (`.model.safetensors`), optimiser tensors
 * (`.optim.safetensors`) and the state (`.json`), each atomically (temp + fsync + rename), and then
 * — last — the `latest.json` pointer, also atomically. A kill at any moment leaves `latest.json`
 * naming a complete checkpoint (the previous or the new one). Older checkpoints beyond `keep` are
 * deleted afterwards. Returns the state JSON's path. Creates no tensors.
 */
export async function saveCheckpoint(dir: string, input: SaveCheckpointInput): Promise<string> {
  return writeCheckpointFiles(dir, checkpointRecord(input), input.keep ?? 2);
}

/** {@link saveCheckpoint} of a record made already (what {@link FileCheckpointSink} stores). */
async function writeCheckpointFiles(dir: string, record: CheckpointRecord, keep: number): Promise<string> {
  const { epoch, step, globalStep } = record.state;
  await mkdir(dir, { recursive: true });
  const stem = `ckpt-${pad(epoch, 6)}-${pad(step, 8)}`;
  const files = { model: `${stem}.model.safetensors`, optimizer: `${stem}.optim.safetensors` };
  await writeFileAtomic(join(dir, files.model), record.modelBytes);
  await writeFileAtomic(join(dir, files.optimizer), record.optimizerBytes);
  const statePath = join(dir, `${stem}.json`);
  await writeFileAtomic(statePath, JSON.stringify(stateWithFiles(record.state, files)));
  await writeFileAtomic(join(dir, LATEST), JSON.stringify({ state: `${stem}.json`, epoch, step, globalStep }));
  await prune(dir, keep, `${stem}.json`);
  return statePath;
}

/** The state as the file holds it: today's key order, `files` before `time`. */
function stateWithFiles(state: CheckpointState, files: NonNullable<CheckpointState['files']>): CheckpointState {
  const { time, ...rest } = state;
  return { ...rest, files, time };
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
async function readState(statePath: string): Promise<FileCheckpointState> {
  let state: FileCheckpointState;
  try {
    state = JSON.parse(await readFile(statePath, 'utf8'));
  } catch (e) {
    throw new Error(`${statePath}: unreadable checkpoint state (${(e as Error).message})`);
  }
  checkCheckpointState(state, statePath);
  if (typeof state.files?.model !== 'string' || typeof state.files.optimizer !== 'string') {
    throw new Error(`${statePath}: the checkpoint state names no weight files ("files": { "model", "optimizer" })`);
  }
  return state;
}

/**
 * The state of the checkpoint `latest.json` points to in `dir`, without loading its tensors (for
 * checks before a resume); null when `dir` has no `latest.json`. Creates no tensors.
 */
export async function readLatestCheckpointInfo(dir: string): Promise<FileCheckpointInfo | null> {
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
export async function loadLatestCheckpoint(dir: string): Promise<LoadedFileCheckpoint | null> {
  const pointer = await readPointer(dir);
  if (!pointer) return null;
  return decodeFileCheckpoint(await readCheckpointFiles(join(dir, pointer.state), pointer.finished === true));
}

/** Reads one checkpoint from its state JSON path (tensors: caller disposes). */
export async function loadCheckpoint(statePath: string): Promise<LoadedFileCheckpoint> {
  return decodeFileCheckpoint(await readCheckpointFiles(statePath, false));
}

const decodeFileCheckpoint = (stored: StoredFileCheckpoint): LoadedFileCheckpoint => ({ ...decodeStoredCheckpoint(stored), state: stored.state });

/** What {@link readCheckpointFiles} reads. */
interface StoredFileCheckpoint extends StoredCheckpoint {
  state: FileCheckpointState;
}

/** A checkpoint's files as bytes (what {@link FileCheckpointSink} hands back). */
async function readCheckpointFiles(statePath: string, finished: boolean): Promise<StoredFileCheckpoint> {
  const state = await readState(statePath);
  const dir = statePath.slice(0, Math.max(statePath.lastIndexOf('/'), statePath.lastIndexOf('\\')) + 1) || '.';
  const modelPath = join(dir, state.files.model);
  const optimizerPath = join(dir, state.files.optimizer);
  const modelBytes = new Uint8Array(await readFile(modelPath));
  const optimizerBytes = new Uint8Array(await readFile(optimizerPath));
  return { state, path: statePath, finished, modelBytes, modelPath, optimizerBytes, optimizerPath };
}

/**
 * Checkpoints in a folder, as {@link saveCheckpoint} writes them: `ckpt-EEEEEE-SSSSSSSS.{model.safetensors,
 * optim.safetensors,json}` and the `latest.json` pointer, each written atomically (temp + fsync +
 * rename), the pointer last — a kill at any moment leaves a complete checkpoint. `train({ outDir })`
 * of `@cnn/train/node` uses one on `outDir/checkpoints`.
 */
export class FileCheckpointSink implements CheckpointSink {
  /** `dir`: the checkpoint folder (created on the first save). */
  constructor(readonly location: string) {}

  save(checkpoint: CheckpointRecord, keep: number): Promise<string> {
    return writeCheckpointFiles(this.location, checkpoint, keep);
  }

  async loadLatest(): Promise<StoredCheckpoint | null> {
    const pointer = await readPointer(this.location);
    if (!pointer) return null;
    return readCheckpointFiles(join(this.location, pointer.state), pointer.finished === true);
  }

  markFinished(): Promise<void> {
    return markRunFinished(this.location);
  }
}
