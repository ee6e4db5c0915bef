import type { CheckpointSink } from './checkpoint-sink.js';
import type { LineProgress } from './progress-lines.js';
import type { ProgressMode, ReportInput, TrainableModel, TrainHistory } from './types.js';

/** Where a resumed run continues: the next batch to train. */
export interface ResumePoint {
  epoch: number;
  globalStep: number;
}

/** Makes a `start` or `resume` record from the number of records the log dropped. */
export type LogRecordMaker = (discarded: number) => Record<string, unknown>;

/**
 * A run's folder as the training loop sees it: what `train` of `@cnn/train/node` writes besides
 * the checkpoints (`metrics.jsonl`, the best weights, `report.html`). The loop of the root entry
 * has none; `RunFiles` (Node) is the one implementation.
 */
export interface RunFolder {
  /** The folder (`outDir`): named in messages and in the history's `files`. */
  readonly outDir: string;
  readonly metrics: string;
  readonly best: string;
  readonly checkpointSink: CheckpointSink;
  /** What names the newest checkpoint (`checkpoints/latest.json`), for messages. */
  readonly latest: string;
  /** Replaces the log with one `start` record. */
  startLog(make: LogRecordMaker): Promise<void>;
  /** Rewrites the log for a run resumed at `at`, ending with a `resume` record. */
  resumeLog(at: ResumePoint, make: LogRecordMaker): Promise<void>;
  log(record: Record<string, unknown>): Promise<void>;
  saveBest(model: TrainableModel, best: NonNullable<TrainHistory['best']>): Promise<void>;
  writeReport(input: ReportInput): Promise<string>;
  /** The files a finished run left in the folder. */
  existing(): NonNullable<TrainHistory['files']>;
}

/** What the Node entry adds to the loop: the run folder, a terminal bar, SIGINT. */
export interface TrainHost {
  /** Opens the run folder, once the options were checked (none: no folder). */
  openFolder?(): Promise<RunFolder | undefined>;
  /** The progress display (default: plain lines, see `LineProgress`). */
  progress?(mode: ProgressMode): LineProgress;
  /** Installs a trigger that calls `stop` to end the run after the current step; returns its removal. */
  stopTrigger?(stop: () => void, progress: LineProgress): () => void;
}
