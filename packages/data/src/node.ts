// `@cnn/data/node`: what needs Node — files, archives, downloads, image decoding (sharp, worker
// threads). Everything that runs anywhere (types, transforms, loader) is imported from `@cnn/data`.
export { loadCifar, type LoadCifarOptions } from './cifar.js';
export { ImageFolderDataset, loadImageFolder, DEFAULT_IMAGE_EXTENSIONS, type LoadImageFolderOptions } from './image-folder.js';
export { decodeImage, type DecodedImage, type DecodeSpec } from './image-decode.js';
export { downloadFile, type DownloadOptions } from './download.js';
export { readTar, safeMemberPath, TarError, type TarEntry } from './tar.js';
export { extractTarEntries, type ExtractOptions } from './extract-tar.js';
export { readTarGz, extractTarGz, type ReadTarGzOptions } from './tar-gz.js';
export { DEFAULT_MAX_UNCOMPRESSED_BYTES } from './gunzip-capped.js';
export { fileMd5 } from './file-md5.js';
export { loadCifarC, type LoadCifarCOptions } from './cifar-c.js';
export { CIFAR_C_CORRUPTIONS, type CifarCorruption } from './cifar-c-names.js';
export { readNpy, writeNpy } from './npy-file.js';
export type { NpyTypedArray } from './npy-typed.js';
