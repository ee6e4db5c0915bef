import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@cnn/core/node';
import { encodeModelWeights, type SaveCheckpointInput } from './checkpoint.js';
import { FileCheckpointSink, markRunFinished, saveCheckpoint } from './checkpoint-files.js';
import { appendRecord, resumeLog, startLog } from './metrics-log.js';
import { writeReport } from './report-file.js';
import type { LogRecordMaker, ResumePoint, RunFolder } from './run-folder.js';
import type { ReportInput, TrainableModel, TrainHistory } from './types.js';

/**
 * The one owner of a run's folder (like timm's `CheckpointSaver`): where each file lives and how it
 * is written — the `metrics.jsonl` log, `checkpoints/`, the best weights (`best.safetensors`,
 * `best.json`) and `report.html`. Every write is atomic.
 */
export class RunFiles implements RunFolder {
  readonly checkpoints: string;
  readonly metrics: string;
  readonly best: string;
  readonly bestInfo: string;
  readonly report: string;
  readonly checkpointSink: FileCheckpointSink;
  readonly latest: string;

  private constructor(readonly outDir: string) {
    this.checkpoints = join(outDir, 'checkpoints');
    this.metrics = join(outDir, 'metrics.jsonl');
    this.best = join(outDir, 'best.safetensors');
    this.bestInfo = join(outDir, 'best.json');
    this.report = join(outDir, 'report.html');
    this.checkpointSink = new FileCheckpointSink(this.checkpoints);
    this.latest = join(this.checkpoints, 'latest.json');
  }

  /** The run folder `outDir`, created when missing. */
  static async open(outDir: string): Promise<RunFiles> {
    await mkdir(outDir, { recursive: true });
    return new RunFiles(outDir);
  }

  /** Appends one record to `metrics.jsonl`. */
  async log(record: Record<string, unknown>): Promise<void> {
    await appendRecord(this.metrics, record);
  }

  /** Replaces `metrics.jsonl` with one `start` record (see `startLog`). */
  async startLog(make: LogRecordMaker): Promise<void> {
    await startLog(this.metrics, make);
  }

  /** Rewrites `metrics.jsonl` for a run resumed at `at` (see `resumeLog`). */
  async resumeLog(at: ResumePoint, make: LogRecordMaker): Promise<void> {
    await resumeLog(this.metrics, at, make);
  }

  /** Writes a checkpoint into `checkpoints/`; returns its state file's path. */
  async saveCheckpoint(input: SaveCheckpointInput): Promise<string> {
    return saveCheckpoint(this.checkpoints, input);
  }

  /** Writes the model as the best so far (`best.safetensors`) and what made it best (`best.json`). */
  async saveBest(model: TrainableModel, best: NonNullable<TrainHistory['best']>): Promise<void> {
    await writeFileAtomic(this.best, encodeModelWeights(model));
    await writeFileAtomic(this.bestInfo, JSON.stringify({ ...best, time: new Date().toISOString() }));
  }

  /** Writes `report.html`; returns its path. */
  async writeReport(input: ReportInput): Promise<string> {
    await writeReport(this.report, input);
    return this.report;
  }

  /** Records in `checkpoints/latest.json` that the run finished (see `markRunFinished`). */
  async markFinished(): Promise<void> {
    await markRunFinished(this.checkpoints);
  }

  /** The files a finished run left in the folder. */
  existing(): NonNullable<TrainHistory['files']> {
    return {
      outDir: this.outDir,
      metrics: this.metrics,
      ...(existsSync(this.report) ? { report: this.report } : {}),
      ...(existsSync(this.best) ? { best: this.best } : {}),
    };
  }
}
