export type { LabeledBatch, Rng } from '@cnn/core';
export { disposeBatch } from '@cnn/core';
export type { Dataset, Sample } from './dataset.js';
export {
  CIFAR_SOURCES,
  CifarDataset,
  loadCifar,
  parseCifarBatch,
  type CifarRecords,
  type CifarSplit,
  type CifarVariant,
  type LoadCifarOptions,
} from './cifar.js';
export { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './cifar-names.js';
export { ImageFolderDataset, loadImageFolder, DEFAULT_IMAGE_EXTENSIONS, type LoadImageFolderOptions } from './image-folder.js';
export { decodeImage, randomResizedCropBox, resizeCenterCropGeometry, type CropBox, type DecodedImage, type DecodeSpec } from './image-decode.js';
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
export { loader, type EpochOptions, type Loader, type LoaderOptions } from './loader.js';
export { downloadFile, type DownloadOptions } from './download.js';
export { readTar, safeMemberPath, TarError, type TarEntry } from './tar.js';
export { extractTarEntries, type ExtractOptions } from './extract-tar.js';
export { readTarGz, extractTarGz, type ReadTarGzOptions } from './tar-gz.js';
export { DEFAULT_MAX_UNCOMPRESSED_BYTES } from './gunzip-capped.js';
export { fileMd5 } from './file-md5.js';
/** @deprecated import `writeFileAtomic` from `@cnn/core/node` (this is the same function). */
export { writeFileAtomic } from '@cnn/core/node';
