/**
 * `@cnn/train/node`: the parts of `@cnn/train` that need Node — `train` with a run folder
 * (`outDir`: checkpoint files, `metrics.jsonl`, best weights, `report.html`), a terminal progress
 * bar and SIGINT; checkpoints as files (`FileCheckpointSink`, `saveCheckpoint`, `loadCheckpoint`,
 * …) and `writeReport`. Everything that runs anywhere (the loop itself, evaluation, optimisers,
 * schedules, losses, `renderReport`, `MemoryCheckpointSink`) is imported from `@cnn/train`.
 *
 * @packageDocumentation
 */
export { train, type NodeTrainOptions } from './node-train.js';
export {
  FileCheckpointSink,
  saveCheckpoint,
  loadLatestCheckpoint,
  readLatestCheckpointInfo,
  markRunFinished,
  loadCheckpoint,
  type FileCheckpointState,
  type FileCheckpointInfo,
  type LoadedFileCheckpoint,
} from './checkpoint-files.js';
export { writeReport } from './report-file.js';
export type { ReportOptions } from './types.js';
