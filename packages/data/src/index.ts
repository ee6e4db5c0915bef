// `@cnn/data`: what runs anywhere (browser, worker, Node) — no Node built-in is reachable from here.
// Files, archives, downloads and image decoding live in `@cnn/data/node` (./node.ts).
export type { LabeledBatch, Rng } from '@cnn/core';
export { disposeBatch } from '@cnn/core';
export type { Dataset, Sample } from './dataset.js';
export { CifarDataset } from './cifar-dataset.js';
export { CIFAR_SOURCES, type CifarSplit, type CifarVariant } from './cifar-layout.js';
export { parseCifarBatch, type CifarRecords } from './cifar-parse.js';
export { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './cifar-names.js';
export { randomResizedCropBox, resizeCenterCropGeometry, type CropBox } from './image-geometry.js';
export {
  toFloat,
  randomCropFlip,
  cifarTrainTransform,
  BYTE_TO_UNIT,
  type BatchTransform,
  type HostBatch,
  type RandomCropFlipOptions,
  type SampleTransform,
  type Transform,
} from './transform.js';
export { mixup, ensureTargets, type MixOptions } from './mixup.js';
export { cutmix } from './cutmix.js';
export { augmix, augmixTransform, type AugmixImage, type AugmixOptions, type AugmixTransformOptions } from './augmix.js';
export { corruptedDataset, type CorruptedDatasetOptions } from './corrupted-dataset.js';
export { loader, type EpochOptions, type Loader, type LoaderOptions } from './loader.js';
