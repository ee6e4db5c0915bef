export type { Classifier, LabeledBatch } from './types.js';
export { createRng, type Rng } from './rng.js';
export { ensureGradients } from './gradients.js';
export {
  initBackend,
  type BackendChoice,
  type BackendName,
  type BackendPreference,
  type InitBackendOptions,
} from './init-backend.js';
export { backendInfo, type BackendInfo } from './backend-info.js';
export { availableBackends, type BackendAvailability } from './available-backends.js';
export { batchNormTrain, type BatchNormTrainResult } from './batch-norm-train.js';
export { conv2dBias } from './conv2d-bias.js';
