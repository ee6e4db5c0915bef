// The `@cnn/example-common/run` entry: everything that loads TF.js (backend, data, models, train).
export { modelOptionsFor } from './model-options.js';
export { finalSummary } from './summary.js';
export { prepareRun, say } from './run-dir.js';
export {
  describeMode,
  modelOptionsOrUsageError,
  startBackend,
  trainAndReport,
  type TrainAndReportOptions,
} from './run-wiring.js';
