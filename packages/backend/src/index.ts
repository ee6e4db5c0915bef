// Shared types and helpers now live in @cnn/core; re-exported here so existing imports keep working.
/** @deprecated import from `@cnn/core` */
export type { Classifier, LabeledBatch } from '@cnn/core';
/** @deprecated import from `@cnn/core` */
export { createRng, type Rng } from '@cnn/core';
/** @deprecated import from `@cnn/core/gradients` */
export { ensureGradients } from '@cnn/core/gradients';
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
