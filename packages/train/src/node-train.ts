import { Progress } from './progress.js';
import type { LineProgress } from './progress-lines.js';
import { RunFiles } from './run-files.js';
import type { TrainHost } from './run-folder.js';
import { runTraining } from './train.js';
import type { ReportOptions, TrainHistory, TrainOptions } from './types.js';

/** `train`'s options in Node: those of the root entry's `train`, a run folder and SIGINT. */
export interface NodeTrainOptions extends TrainOptions, ReportOptions {
  /**
   * Directory for checkpoints (`checkpoints/`, through a `FileCheckpointSink`), `metrics.jsonl`,
   * `report.html`, `best.safetensors` / `best.json`. Without it (and without `checkpoints`)
   * nothing is written. Not together with `checkpoints`.
   */
  outDir?: string;
  /**
   * Install a SIGINT handler that finishes the step, checkpoints and stops the run (a second
   * SIGINT exits with 130); default true when `outDir` or `checkpoints` is set.
   */
  handleSigint?: boolean;
}

/**
 * `train` of `@cnn/train` (see there) with what needs Node: with `outDir`, the run folder —
 * checkpoints written as files, atomically (temp + fsync + rename, `latest.json` last), the
 * `metrics.jsonl` log, the best weights and `report.html` —; a `cli-progress` bar on a terminal
 * (`progress: 'auto' | 'bar'`); SIGINT (with `handleSigint`) finishes the current step, writes a
 * checkpoint and returns with `interrupted: true`, and a second SIGINT exits at once with code 130.
 * `metrics.jsonl` holds one `start` record, one `resume` record per resumed process and each step at
 * most once (see the README). A bad option leaves no directory behind.
 */
export async function train(options: NodeTrainOptions): Promise<TrainHistory> {
  const o = options;
  if (o?.outDir !== undefined && o.checkpoints !== undefined) {
    throw new Error('train: give outDir (a run folder with its own checkpoints/) or checkpoints (a CheckpointSink), not both');
  }
  if (o?.outDir !== undefined && (typeof o.outDir !== 'string' || o.outDir === '')) throw new TypeError(`train: outDir must be a non-empty path, got ${JSON.stringify(o.outDir)}`);
  const host: TrainHost = {
    openFolder: async () => (o.outDir ? RunFiles.open(o.outDir) : undefined),
    progress: (mode) => new Progress(mode),
    ...((o.handleSigint ?? Boolean(o.outDir || o.checkpoints)) ? { stopTrigger: sigintTrigger } : {}),
  };
  return runTraining(o, host);
}

/** SIGINT asks the run to stop after the current step; a second one exits with 130. */
function sigintTrigger(stop: () => void, progress: LineProgress): () => void {
  let asked = false;
  const onSigint = (): void => {
    if (asked) process.exit(130);
    asked = true;
    stop();
    progress.log('\nSIGINT: writing a checkpoint after this step, then stopping (press Ctrl-C again to exit now)');
  };
  process.on('SIGINT', onSigint);
  return () => void process.removeListener('SIGINT', onSigint);
}
