import * as path from 'node:path';
import { CIFAR_IMAGE_BYTES, CIFAR_SOURCES, isCifarVariant, type CifarSplit, type CifarVariant } from './cifar-layout.js';
import { locateCifar, type ByteSource } from './cifar-locate.js';
import { CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES, CIFAR10_CLASSES } from './cifar-names.js';
import { CifarDataset } from './cifar-dataset.js';
import { describeValue } from './describe-value.js';
import { checkMaxBytes } from './gunzip-capped.js';
import { parseCifarBatch, type CifarRecords } from './cifar-parse.js';

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
  /**
   * Reading from a `.tar.gz`: give up once it uncompresses to more than this many bytes (default
   * 512 MiB; the official archives uncompress to about 185 MB). Stops a gzip bomb early.
   */
  maxUncompressedBytes?: number;
}

async function readNames(src: ByteSource, file: string, expected: number, fallback: readonly string[]): Promise<readonly string[]> {
  if (!src.has(file)) return fallback;
  const text = new TextDecoder().decode(await src.read(file, 'the class-names file'));
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== expected) {
    throw new Error(`${src.describe(file)}: expected ${expected} class names, found ${names.length}`);
  }
  return names;
}

function checkOptions(options: LoadCifarOptions, variant: unknown, split: unknown): void {
  if (!isCifarVariant(variant)) throw new Error(`loadCifar: variant must be 'cifar10' or 'cifar100', got ${describeValue(variant)}`);
  if (split !== 'train' && split !== 'test') throw new Error(`loadCifar: split must be 'train' or 'test', got ${describeValue(split)}`);
  if (options.maxUncompressedBytes !== undefined) checkMaxBytes(options.maxUncompressedBytes, 'loadCifar');
  if (options.files === undefined) return;
  if (!Array.isArray(options.files) || options.files.length === 0) throw new Error(`loadCifar: files must be a non-empty array of file names, got ${describeValue(options.files)}`);
  const seen = new Set<string>();
  for (const f of options.files as unknown[]) {
    if (typeof f !== 'string' || f === '') throw new Error(`loadCifar: files must hold file names, got ${describeValue(f)}`);
    const key = path.posix.normalize(f);
    if (seen.has(key)) throw new Error(`loadCifar: files lists ${JSON.stringify(f)} more than once (each batch file is read once)`);
    seen.add(key);
  }
}

/** The batch files to read: `options.files` (all must be there) or the split's files present. */
function chooseFiles(src: ByteSource, options: LoadCifarOptions, variant: CifarVariant, split: CifarSplit): readonly string[] {
  const s = CIFAR_SOURCES[variant];
  if (options.files) {
    for (const f of options.files) if (!src.has(f)) throw new Error(`${s.title}: ${src.describe(f)} not found`);
    return options.files;
  }
  const files = s[split].filter((f) => src.has(f));
  if (files.length === 0) {
    throw new Error(`${s.title}: no ${split} batch file found (looked for ${s[split].map((f) => src.describe(f)).join(', ')})`);
  }
  return files;
}

/** Parses the files and puts their records one after the other. */
async function readAll(src: ByteSource, files: readonly string[], variant: CifarVariant): Promise<CifarRecords> {
  const what = `a ${CIFAR_SOURCES[variant].title} batch file`;
  const parts: CifarRecords[] = [];
  for (const f of files) parts.push(parseCifarBatch(await src.read(f, what), variant, src.describe(f)));
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const coarseLabels = variant === 'cifar100' ? new Uint8Array(count) : undefined;
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * CIFAR_IMAGE_BYTES);
    labels.set(p.labels, at);
    if (coarseLabels && p.coarseLabels) coarseLabels.set(p.coarseLabels, at);
    at += p.count;
  }
  return { images, labels, coarseLabels, count };
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
  checkOptions(options, variant, split);
  const s = CIFAR_SOURCES[variant];
  const src = await locateCifar(options, variant);
  const files = chooseFiles(src, options, variant, split);
  const { images, labels: fine, coarseLabels: coarse } = await readAll(src, files, variant);
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
