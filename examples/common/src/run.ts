// The `@cnn/example-common/run` entry: everything that loads TF.js (backend, data, models, train).
export { modelOptionsFor } from './model-options.js';
export { finalSummary } from './summary.js';
export {
  checkRunDir,
  describeMode,
  modelOptionsOrUsageError,
  say,
  startBackend,
  trainAndReport,
  type TrainAndReportOptions,
} from './run-wiring.js';
