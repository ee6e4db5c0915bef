import { createRng, type Rng } from '@cnn/core';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkIndex, type Dataset, type Sample } from './dataset.js';
import { byCodePoint, isDirectory, listClassImages } from './folder-walk.js';
import { decodeImage, type DecodedImage, type DecodeSpec } from './image-decode.js';
import { DecodePool } from './worker-pool.js';

export const DEFAULT_IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

export interface LoadImageFolderOptions {
  /** Folder with one sub-folder per class: `root/<class>/**\/*.{jpg,jpeg,png,webp}`. */
  root: string;
  /**
   * `'train'`: RandomResizedCrop(`size`, scale 0.08–1, ratio 3/4–4/3) + horizontal flip;
   * `'eval'` (default): resize shorter side to `resize` (256) + centre crop `size` (224);
   * `'none'`: whole images at their own size.
   */
  transform?: 'train' | 'eval' | 'none';
  /** Output side in pixels (default 224). */
  size?: number;
  /** Eval: shorter side before the centre crop (default 256). */
  resize?: number;
  /** Train: range of the crop's area fraction (default [0.08, 1]). */
  scale?: readonly [number, number];
  /** Train: range of the crop's aspect ratio w/h (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
  /** Train: horizontal flip probability (default 0.5). */
  flip?: number;
  /**
   * Decode worker threads (default: number of CPUs, at most 4). `0` decodes on the main thread
   * (sharp still uses libuv's thread pool).
   */
  workers?: number;
  /** File extensions counted as images, lower case with the dot (default .jpg .jpeg .png .webp). */
  extensions?: readonly string[];
  /** Seed for `get(i)` called without an rng (default 0). */
  seed?: number;
}

/**
 * An ImageNet-style class-folder data set. Class `k` is the `k`-th sub-folder in sorted order (as
 * torchvision's `ImageFolder`); examples are ordered by class, then by path. Images are decoded on
 * demand by sharp, in worker threads unless `workers: 0`. Call {@link ImageFolderDataset.close} when
 * done (idle workers never keep the process alive, but they hold memory).
 */
export class ImageFolderDataset implements Dataset {
  readonly length: number;
  private pool: DecodePool | undefined;
  private readonly rng: Rng;

  constructor(
    readonly root: string,
    readonly classNames: readonly string[],
    /** Absolute path of every example. */
    readonly files: readonly string[],
    /** Class index of every example. */
    readonly labels: Int32Array,
    readonly spec: DecodeSpec,
    readonly workers: number,
    seed = 0,
  ) {
    this.length = files.length;
    this.rng = createRng(seed);
  }

  private decode(index: number, seed: number): Promise<DecodedImage> {
    if (this.workers === 0) return decodeImage(this.files[index], this.spec, seed);
    this.pool ??= new DecodePool(this.workers);
    return this.pool.decode(this.files[index], this.spec, seed);
  }

  private toSample(index: number, img: DecodedImage): Sample {
    return { image: img.data, height: img.height, width: img.width, label: this.labels[index] };
  }

  /** Decodes example `index`; the crop/flip seed is drawn from `rng` (or the data set's own). */
  async get(index: number, rng?: Rng): Promise<Sample> {
    checkIndex(index, this.length, `image folder ${this.root}`);
    const seed = (rng ?? this.rng).int(0x1_0000_0000);
    return this.toSample(index, await this.decode(index, seed));
  }

  /**
   * Decodes many examples concurrently (spread over the workers). Seeds are drawn from `rng` in
   * the order of `indices` before any decoding, so results do not depend on scheduling.
   */
  async getMany(indices: readonly number[], rng?: Rng): Promise<Sample[]> {
    const r = rng ?? this.rng;
    for (const i of indices) checkIndex(i, this.length, `image folder ${this.root}`);
    const seeds = indices.map(() => r.int(0x1_0000_0000));
    if (this.workers > 0) {
      return Promise.all(indices.map(async (i, k) => this.toSample(i, await this.decode(i, seeds[k]))));
    }
    // Main thread: a few at a time keeps libuv's pool busy without flooding memory.
    const out: Sample[] = new Array(indices.length);
    let next = 0;
    const lane = async () => {
      while (next < indices.length) {
        const k = next++;
        out[k] = this.toSample(indices[k], await this.decode(indices[k], seeds[k]));
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, indices.length) }, lane));
    return out;
  }

  /** Terminates the decode workers (they restart if the data set is used again). */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.close();
  }
}

/**
 * Scans `root/<class>/…` and returns an {@link ImageFolderDataset}. Throws, naming the folder, when
 * `root` is missing, has no class folders, or a class folder has no images. Directory links are
 * followed without loops or double counting (see `listClassImages`): class folders may be
 * links to anywhere; below them a link may not lead out of the root (or that class folder).
 */
export async function loadImageFolder(options: LoadImageFolderOptions): Promise<ImageFolderDataset> {
  const root = path.resolve(options.root);
  if (!(await isDirectory(root))) throw new Error(`loadImageFolder: ${root} is not a directory (expected root/<class>/<image files>)`);
  const exts = new Set((options.extensions ?? DEFAULT_IMAGE_EXTENSIONS).map((e) => e.toLowerCase()));
  const classNames: string[] = [];
  for (const e of await fsp.readdir(root, { withFileTypes: true })) {
    if (e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(path.join(root, e.name))))) classNames.push(e.name);
  }
  classNames.sort(byCodePoint);
  if (classNames.length === 0) throw new Error(`loadImageFolder: no class folders in ${root} (expected root/<class>/<image files>)`);
  const files: string[] = [];
  const labels: number[] = [];
  const realRoot = await fsp.realpath(root);
  for (let k = 0; k < classNames.length; k++) {
    const found = await listClassImages(path.join(root, classNames[k]), realRoot, exts);
    if (found.length === 0) {
      throw new Error(`loadImageFolder: class folder ${path.join(root, classNames[k])} has no images (${[...exts].join(', ')})`);
    }
    for (const f of found) {
      files.push(f);
      labels.push(k);
    }
  }
  const mode = options.transform ?? 'eval';
  if (mode !== 'train' && mode !== 'eval' && mode !== 'none') throw new Error(`loadImageFolder: transform must be 'train', 'eval' or 'none', got ${String(mode)}`);
  const spec: DecodeSpec = {
    mode,
    size: options.size ?? 224,
    resize: options.resize ?? 256,
    scale: options.scale ?? [0.08, 1],
    ratio: options.ratio ?? [3 / 4, 4 / 3],
    flip: options.flip ?? 0.5,
  };
  if (!Number.isInteger(spec.size) || spec.size <= 0) throw new RangeError(`loadImageFolder: size must be a positive integer, got ${spec.size}`);
  if (!Number.isInteger(spec.resize) || spec.resize < spec.size) throw new RangeError(`loadImageFolder: resize must be an integer ≥ size, got ${spec.resize}`);
  if (!(spec.scale[0] > 0 && spec.scale[0] <= spec.scale[1] && spec.scale[1] <= 1)) throw new RangeError(`loadImageFolder: scale must satisfy 0 < lo ≤ hi ≤ 1, got ${spec.scale.join(', ')}`);
  if (!(spec.ratio[0] > 0 && spec.ratio[0] <= spec.ratio[1])) throw new RangeError(`loadImageFolder: ratio must satisfy 0 < lo ≤ hi, got ${spec.ratio.join(', ')}`);
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const workers = options.workers ?? Math.min(4, Math.max(1, cpus));
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`loadImageFolder: workers must be a non-negative integer, got ${workers}`);
  return new ImageFolderDataset(root, classNames, files, Int32Array.from(labels), spec, workers, options.seed ?? 0);
}
