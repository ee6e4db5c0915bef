import type { CheckpointState } from './checkpoint.js';

/** One checkpoint as `train` hands it to a {@link CheckpointSink}: bytes and JSON, no tensors. */
export interface CheckpointRecord {
  /** Epoch, step, RNG and optimiser scalars, configuration, best metric, history so far. */
  state: CheckpointState;
  /** The weights as safetensors (`encodeModelWeights`: PyTorch layout for `@cnn/models` models). */
  modelBytes: Uint8Array;
  /** The optimiser's tensors as safetensors. */
  optimizerBytes: Uint8Array;
}

/** A checkpoint read back from a {@link CheckpointSink}. */
export interface StoredCheckpoint extends CheckpointRecord {
  /** True after {@link CheckpointSink.markFinished}: the run finished after this checkpoint. */
  finished: boolean;
  /** Where the state is, for messages (the file sink: the state JSON's path). */
  path: string;
  /** Where the weights are, for messages. */
  modelPath: string;
  /** Where the optimiser tensors are, for messages. */
  optimizerPath: string;
}

/**
 * Where `train` keeps its checkpoints (`options.checkpoints`), and where `resume` finds the newest
 * one. `train` calls `save` at every epoch end, every `checkpointEverySteps` steps and when it stops
 * early; `loadLatest` once at the start; `markFinished` as its last act when every epoch was
 * trained. A sink must make `save` all or nothing: after a failure or a kill during `save`,
 * `loadLatest` returns the previous checkpoint or the new one, complete.
 *
 * Two come with the package: {@link MemoryCheckpointSink} (here: in memory, for browsers and tests)
 * and `FileCheckpointSink` of `@cnn/train/node` (a folder, atomic file writes).
 */
export interface CheckpointSink {
  /** Where the checkpoints are, for messages (a folder, "memory", a database's name…). */
  readonly location: string;
  /**
   * Stores `checkpoint` as the newest; afterwards keeps at most `keep` checkpoints (at least the
   * newest). Returns where it went (for the history and messages).
   */
  save(checkpoint: CheckpointRecord, keep: number): Promise<string>;
  /** The newest checkpoint, or null when there is none. */
  loadLatest(): Promise<StoredCheckpoint | null>;
  /** Records that the run finished after the newest checkpoint (the next `save` clears it). */
  markFinished(): Promise<void>;
}

/**
 * Checkpoints kept in memory (in a browser tab, in tests): `save` copies the bytes, so later
 * changes to them do not reach the stored checkpoint, and `loadLatest` hands out copies. Lives as
 * long as the object: pass the same sink to a second `train` call with `resume: true` to continue.
 */
export class MemoryCheckpointSink implements CheckpointSink {
  readonly location: string;
  private kept: { record: CheckpointRecord; name: string }[] = [];
  private finished = false;

  /** `name` is used in messages and in the checkpoints' names (`<name>#<epoch>-<step>`). */
  constructor(name = 'memory') {
    this.location = name;
  }

  async save(checkpoint: CheckpointRecord, keep: number): Promise<string> {
    const record = copyRecord(checkpoint);
    const name = `${this.location}#${record.state.epoch}-${record.state.step}`;
    this.kept = [...this.kept, { record, name }].slice(-Math.max(1, keep));
    this.finished = false;
    return name;
  }

  async loadLatest(): Promise<StoredCheckpoint | null> {
    const newest = this.kept.at(-1);
    if (!newest) return null;
    const { record, name } = newest;
    return { ...copyRecord(record), finished: this.finished, path: name, modelPath: `${name} weights`, optimizerPath: `${name} optimizer` };
  }

  async markFinished(): Promise<void> {
    if (this.kept.length === 0) throw new Error(`${this.location}: no checkpoint to mark as finished`);
    this.finished = true;
  }

  /** How many checkpoints the sink holds. */
  get size(): number {
    return this.kept.length;
  }
}

/** A deep copy (the state through JSON, as a file would keep it: no shared objects with the run). */
function copyRecord(r: CheckpointRecord): CheckpointRecord {
  return { state: JSON.parse(JSON.stringify(r.state)) as CheckpointState, modelBytes: r.modelBytes.slice(), optimizerBytes: r.optimizerBytes.slice() };
}
