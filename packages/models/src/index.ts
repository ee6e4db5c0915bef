/**
 * @packageDocumentation
 * ResNet, pre-activation ResNet, Wide ResNet and SE-ResNet on tfjs-core ops, with PyTorch names,
 * PyTorch semantics (padding, BatchNorm) and safetensors weights that move both ways.
 */
export type {
  ApplyOptions,
  BlockType,
  HeadOptions,
  LoadStateDictOptions,
  Model,
  ModelConfig,
  ModelOptions,
  ModelTrainingState,
  NamingScheme,
  Normalization,
  StemType,
} from './types.js';
export {
  createModel,
  getModelConfig,
  isModelName,
  listModels,
  toClassifier,
  CIFAR10_NORMALIZATION,
  IMAGENET_NORMALIZATION,
  type ModelName,
  type ResNetName,
  type CifarResNetName,
  type PreActResNetName,
  type SEResNetName,
  type WideResNetName,
  type RegisteredModelNames,
} from './registry.js';
export { registerModel } from './register-model.js';
export type { ModelVariant } from './variant.js';
export { createModelFromConfig, type CreateFromConfigOptions } from './model.js';
export { countParameters } from './network.js';
export { batchNorm, BN_EPS, BN_MOMENTUM, type BatchNormState } from './batch-norm.js';
export {
  encodeSafetensors,
  decodeSafetensors,
  type SafetensorsDtype,
  type EncodeSafetensorsOptions,
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
} from './safetensors.js';
export {
  weightsToBytes,
  loadWeightsFromBytes,
  type WeightsLayout,
  type SaveWeightsOptions,
  type LoadWeightsOptions,
  type LoadedWeightsInfo,
} from './weights.js';
export { saveWeights, loadWeights, writeFileAtomic } from './weights-file.js';
export { fileSystemModel } from './file-system-model.js';
export type { TableModelName } from './model-table.js';
