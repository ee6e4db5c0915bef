import { existsSync, promises as fsp, statSync } from 'node:fs';
import * as path from 'node:path';
import { CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES, CIFAR10_CLASSES } from './cifar-names.js';
import { checkIndex, type Dataset, type Sample } from './dataset.js';
import { downloadFile } from './download.js';
import { extractTarEntries } from './extract-tar.js';
import { readTarGz } from './tar-gz.js';
import type { TarEntry } from './tar.js';

export type CifarVariant = 'cifar10' | 'cifar100';
export type CifarSplit = 'train' | 'test';

/** Where each variant lives: official archive, its MD5, the folder inside it, the batch files. */
export const CIFAR_SOURCES = {
  cifar10: {
    title: 'CIFAR-10',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    archive: 'cifar-10-binary.tar.gz',
    dir: 'cifar-10-batches-bin',
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: ['test_batch.bin'],
    meta: 'batches.meta.txt',
    labelBytes: 1,
  },
  cifar100: {
    title: 'CIFAR-100',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    md5: '03b5dce01913d631647c71ecec9e9cb8',
    archive: 'cifar-100-binary.tar.gz',
    dir: 'cifar-100-binary',
    train: ['train.bin'],
    test: ['test.bin'],
    meta: 'fine_label_names.txt',
    labelBytes: 2,
  },
} as const;

/** Bytes of one CIFAR image (3 × 32 × 32, planar). */
export const CIFAR_IMAGE_BYTES = 3072;

/** Decoded contents of one or more CIFAR binary batch files. */
export interface CifarRecords {
  /** `n × 32 × 32 × 3` bytes, HWC (converted from the files' planar CHW). */
  images: Uint8Array;
  /** CIFAR-10 labels, or CIFAR-100 fine labels. */
  labels: Uint8Array;
  /** CIFAR-100 only: coarse (superclass) labels. */
  coarseLabels?: Uint8Array;
  count: number;
}

/**
 * Parses the bytes of a CIFAR binary batch file. Record layout: CIFAR-10 `<label><3072 pixels>`,
 * CIFAR-100 `<coarse><fine><3072 pixels>`; pixels are 1024 R, then 1024 G, then 1024 B, each plane
 * row-major 32 × 32. Throws an error naming `file` when the size is not a whole number of records
 * or a label is out of range.
 */
export function parseCifarBatch(bytes: Uint8Array, variant: CifarVariant, file = 'CIFAR batch'): CifarRecords {
  const labelBytes = CIFAR_SOURCES[variant].labelBytes;
  const record = labelBytes + CIFAR_IMAGE_BYTES;
  if (bytes.length === 0) throw new Error(`${file}: empty file (expected ${record}-byte ${CIFAR_SOURCES[variant].title} records)`);
  if (bytes.length % record !== 0) {
    throw new Error(
      `${file}: size ${bytes.length} bytes is not a multiple of the ${record}-byte ${CIFAR_SOURCES[variant].title} record ` +
        `(${Math.floor(bytes.length / record)} whole records + ${bytes.length % record} bytes; truncated or wrong variant?)`,
    );
  }
  const count = bytes.length / record;
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const coarseLabels = variant === 'cifar100' ? new Uint8Array(count) : undefined;
  const numFine = variant === 'cifar10' ? 10 : 100;
  for (let r = 0; r < count; r++) {
    const base = r * record;
    const fine = bytes[base + labelBytes - 1];
    if (fine >= numFine) {
      throw new Error(`${file}: record ${r} (byte ${base + labelBytes - 1}) has label ${fine}, expected 0..${numFine - 1}`);
    }
    labels[r] = fine;
    if (coarseLabels) {
      const coarse = bytes[base];
      if (coarse >= 20) throw new Error(`${file}: record ${r} (byte ${base}) has coarse label ${coarse}, expected 0..19`);
      coarseLabels[r] = coarse;
    }
    const px = base + labelBytes;
    const out = r * CIFAR_IMAGE_BYTES;
    for (let p = 0, o = out; p < 1024; p++, o += 3) {
      images[o] = bytes[px + p];
      images[o + 1] = bytes[px + 1024 + p];
      images[o + 2] = bytes[px + 2048 + p];
    }
  }
  return { images, labels, coarseLabels, count };
}

/** A CIFAR split in memory; `get(i)` returns a read-only view (no copy). */
export class CifarDataset implements Dataset {
  readonly height = 32;
  readonly width = 32;
  readonly length: number;

  constructor(
    readonly variant: CifarVariant,
    /** `length × 32 × 32 × 3` bytes, HWC RGB. */
    readonly images: Uint8Array,
    /** Labels returned by `get` (CIFAR-100: fine or coarse, as chosen). */
    readonly labels: Uint8Array,
    readonly classNames: readonly string[],
    /** The files the examples came from, in order. */
    readonly files: readonly string[],
    /** CIFAR-100: both label sets. */
    readonly fineLabels?: Uint8Array,
    readonly coarseLabels?: Uint8Array,
  ) {
    this.length = labels.length;
    if (images.length !== this.length * CIFAR_IMAGE_BYTES) {
      throw new Error(`CifarDataset: ${images.length} image bytes for ${this.length} labels (expected ${this.length * CIFAR_IMAGE_BYTES})`);
    }
  }

  get(index: number): Sample {
    checkIndex(index, this.length, `${this.variant} dataset`);
    const o = index * CIFAR_IMAGE_BYTES;
    return { image: this.images.subarray(o, o + CIFAR_IMAGE_BYTES), height: 32, width: 32, label: this.labels[index] };
  }
}

export interface LoadCifarOptions {
  /**
   * Where the data is: a directory holding `cifar-10-batches-bin/` (or `cifar-100-binary/`), that
   * folder itself, a directory holding the official `.tar.gz`, or the `.tar.gz` file itself.
   * With `download: true` the archive is fetched into this directory.
   */
  root: string;
  variant?: CifarVariant;
  split?: CifarSplit;
  /**
   * Batch files to read (names as in the archive, e.g. `['data_batch_1.bin']`). Default: for
   * CIFAR-10 train, every `data_batch_<k>.bin` present (at least one); otherwise the split's file.
   */
  files?: readonly string[];
  /** CIFAR-100: which labels `get` returns (default `'fine'`); both stay available. */
  labelType?: 'fine' | 'coarse';
  /** Fetch the official archive (MD5-checked, extracted safely) when nothing is found. */
  download?: boolean;
  /** Progress display while downloading (see {@link DownloadOptions.progress}). Default true. */
  progress?: boolean | ((received: number, total: number | undefined) => void);
  /** Override the archive URL (a mirror). The official MD5 is still checked unless `md5` is given. */
  url?: string;
  md5?: string;
}

interface ByteSource {
  describe(name: string): string;
  has(name: string): boolean;
  read(name: string): Promise<Uint8Array>;
}

function dirSource(dir: string): ByteSource {
  return {
    describe: (name) => path.join(dir, name),
    has: (name) => existsSync(path.join(dir, name)),
    read: async (name) => new Uint8Array(await fsp.readFile(path.join(dir, name))),
  };
}

function archiveSource(file: string, entries: readonly TarEntry[], dir: string): ByteSource {
  const byName = new Map<string, TarEntry>();
  for (const e of entries) {
    if (e.type !== 'file') continue;
    const clean = e.name.replace(/^(\.\/)+/, '');
    if (clean.startsWith(`${dir}/`)) byName.set(clean.slice(dir.length + 1), e);
  }
  return {
    describe: (name) => `${file}:${dir}/${name}`,
    has: (name) => byName.has(name),
    read: async (name) => byName.get(name)!.data,
  };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function whereToPut(variant: CifarVariant, root: string): string {
  const s = CIFAR_SOURCES[variant];
  return (
    `Put the official archive ${s.url} at ${path.join(root, s.archive)}, or its extracted folder at ` +
    `${path.join(root, s.dir)}/ (${[...s.train, ...s.test].join(', ')}), or pass download: true.`
  );
}

async function locate(options: LoadCifarOptions, variant: CifarVariant): Promise<ByteSource> {
  const s = CIFAR_SOURCES[variant];
  const root = path.resolve(options.root);
  if (/\.(tar\.gz|tgz)$/.test(root) && isFile(root)) {
    return archiveSource(root, await readTarGz(root), s.dir);
  }
  const hasBatches = (dir: string) => [...s.train, ...s.test].some((f) => isFile(path.join(dir, f)));
  if (isDir(root) && hasBatches(root)) return dirSource(root);
  if (isDir(path.join(root, s.dir)) && hasBatches(path.join(root, s.dir))) return dirSource(path.join(root, s.dir));
  const archive = path.join(root, s.archive);
  if (isFile(archive)) return archiveSource(archive, await readTarGz(archive), s.dir);
  if (options.download) {
    await downloadFile(options.url ?? s.url, archive, {
      md5: options.md5 ?? s.md5,
      progress: options.progress ?? true,
      hint: whereToPut(variant, root),
    });
    const wanted = new Set<string>([...s.train, ...s.test, s.meta, 'coarse_label_names.txt', 'fine_label_names.txt']);
    await extractTarEntries(await readTarGz(archive), root, {
      source: archive,
      filter: (rel) => rel.startsWith(`${s.dir}/`) && wanted.has(rel.slice(s.dir.length + 1)),
    });
    return dirSource(path.join(root, s.dir));
  }
  if (!existsSync(root)) {
    throw new Error(`${s.title}: directory ${root} does not exist. ${whereToPut(variant, root)}`);
  }
  throw new Error(`${s.title}: no batch files found under ${root}. ${whereToPut(variant, root)}`);
}

async function readNames(src: ByteSource, file: string, expected: number, fallback: readonly string[]): Promise<readonly string[]> {
  if (!src.has(file)) return fallback;
  const text = new TextDecoder().decode(await src.read(file));
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== expected) {
    throw new Error(`${src.describe(file)}: expected ${expected} class names, found ${names.length}`);
  }
  return names;
}

/**
 * Loads a CIFAR-10 or CIFAR-100 split from the official binary files (directory or `.tar.gz`),
 * downloading it first when asked. All examples are held in memory as HWC bytes (CIFAR-10 train:
 * 150 MB). Errors name the file and what is wrong; offline, `download: true` fails fast saying where
 * to put the files.
 */
export async function loadCifar(options: LoadCifarOptions): Promise<CifarDataset> {
  const variant = options.variant ?? 'cifar10';
  const split = options.split ?? 'train';
  if (!(variant in CIFAR_SOURCES)) throw new Error(`loadCifar: variant must be 'cifar10' or 'cifar100', got ${String(variant)}`);
  const s = CIFAR_SOURCES[variant];
  if (split !== 'train' && split !== 'test') throw new Error(`loadCifar: split must be 'train' or 'test', got ${String(split)}`);
  const src = await locate(options, variant);
  let files: readonly string[];
  if (options.files) {
    if (options.files.length === 0) throw new Error('loadCifar: files is empty');
    files = options.files;
    for (const f of files) if (!src.has(f)) throw new Error(`${s.title}: ${src.describe(f)} not found`);
  } else {
    files = s[split].filter((f) => src.has(f));
    if (files.length === 0) {
      throw new Error(`${s.title}: no ${split} batch file found (looked for ${s[split].map((f) => src.describe(f)).join(', ')})`);
    }
  }
  const parts: CifarRecords[] = [];
  for (const f of files) parts.push(parseCifarBatch(await src.read(f), variant, src.describe(f)));
  const total = parts.reduce((n, p) => n + p.count, 0);
  const images = new Uint8Array(total * CIFAR_IMAGE_BYTES);
  const fine = new Uint8Array(total);
  const coarse = variant === 'cifar100' ? new Uint8Array(total) : undefined;
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * CIFAR_IMAGE_BYTES);
    fine.set(p.labels, at);
    if (coarse && p.coarseLabels) coarse.set(p.coarseLabels, at);
    at += p.count;
  }
  const describedFiles = files.map((f) => src.describe(f));
  if (variant === 'cifar10') {
    const names = await readNames(src, s.meta, 10, CIFAR10_CLASSES);
    return new CifarDataset(variant, images, fine, names, describedFiles);
  }
  const useCoarse = options.labelType === 'coarse';
  const names = useCoarse
    ? await readNames(src, 'coarse_label_names.txt', 20, CIFAR100_COARSE_CLASSES)
    : await readNames(src, 'fine_label_names.txt', 100, CIFAR100_FINE_CLASSES);
  return new CifarDataset(variant, images, useCoarse ? coarse! : fine, names, describedFiles, fine, coarse);
}
