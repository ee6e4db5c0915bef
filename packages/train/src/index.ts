/**
 * `@cnn/train`: training loops (standard, mixup/cutmix, PGD and fast FGSM-RS adversarial, AugMix
 * with the Jensen–Shannon consistency loss), corruption-robustness evaluation (mCE, calibration under shift),
 * evaluation (accuracy, calibration, robust accuracy), optimisers, LR schedules, checkpoints to a
 * sink with exact resume, progress lines and a self-contained HTML run report (as a string).
 * Runs in browsers and Node; the file parts (a run folder, checkpoint files, a terminal bar,
 * SIGINT) are in `@cnn/train/node`.
 *
 * @packageDocumentation
 */
export { train, NonFiniteLossError, metricValue } from './train.js';
export { validateTrainOptions } from './train-options.js';
export {
  checkHyperParameters,
  checkOptimizerConfig,
  checkScheduleConfig,
  checkTrainingMode,
  checkEvaluateOptions,
  type HyperParameters,
} from './config-check.js';
export { configChanges, formatConfigChanges, type ConfigChange } from './config-changes.js';
export { evaluate, asClassifier } from './evaluate.js';
export { evaluateCorruptions, corruptionErrors } from './evaluate-corruptions.js';
export { loadCorruptFunction } from './corruption-plan.js';
export type {
  RgbBytes,
  CorruptFunction,
  CorruptionBaseline,
  CorruptionEvalOptions,
  ShiftCalibration,
  CorruptionExample,
  CorruptionResult,
} from './corruption-types.js';
export { attackName, resolveAttack } from './adversarial.js';
export { createOptimizer, type Optimizer, type OptimizerStateJson } from './optimizer.js';
export { SGD } from './sgd.js';
export { Adam } from './adam.js';
export { isNoDecayParameter } from './param-groups.js';
export { learningRateAt, learningRateForStep } from './schedule.js';
export { softCrossEntropy, lossTargets } from './loss.js';
export { augmixJsdLoss, DEFAULT_JSD_WEIGHT } from './augmix-loss.js';
export { clipByGlobalNorm } from './clip.js';
export {
  checkpointRecord,
  decodeStoredCheckpoint,
  restoreCheckpoint,
  encodeModelWeights,
  decodeModelWeights,
  type CheckpointState,
  type SaveCheckpointInput,
  type LoadedCheckpoint,
  type CheckpointInfo,
} from './checkpoint.js';
export { MemoryCheckpointSink, type CheckpointSink, type CheckpointRecord, type StoredCheckpoint } from './checkpoint-sink.js';
export { renderReport } from './report.js';
export { encodePng, pngDataUrl } from './png.js';
export { lineChartSvg, type ChartSeries, type LineChartOptions } from './line-chart.js';
export type {
  TrainableModel,
  BatchSource,
  EpochLoader,
  EpochStart,
  EvalLoader,
  OptimizerCommon,
  SgdConfig,
  AdamConfig,
  OptimizerConfig,
  WarmupOption,
  ScheduleConfig,
  StandardMode,
  MixupMode,
  CutmixMode,
  AdversarialCommon,
  PgdMode,
  FgsmRsMode,
  AugmixMode,
  TrainingMode,
  AttackSpec,
  EvaluateOptions,
  RobustResult,
  ExampleImage,
  EvalResult,
  BestMetric,
  ProgressMode,
  StepRecord,
  EpochRecord,
  TrainHistory,
  TrainOptions,
  ReportInput,
} from './types.js';
