import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CIFAR_C_CORRUPTIONS, type CifarCorruption } from './cifar-c-names.js';
import { CifarDataset } from './cifar-dataset.js';
import { CIFAR_IMAGE_BYTES, isCifarVariant, type CifarVariant } from './cifar-layout.js';
import { CIFAR100_FINE_CLASSES, CIFAR10_CLASSES } from './cifar-names.js';
import { describeValue } from './describe-value.js';
import { openNpy, type NpyFile } from './npy-file.js';
import type { NpyHeader } from './npy-header.js';
import { toTypedArray } from './npy-typed.js';

export interface LoadCifarCOptions {
  /** The folder holding `<corruption>.npy` and `labels.npy` (e.g. the extracted `CIFAR-10-C/`). */
  root: string;
  /** One of {@link CIFAR_C_CORRUPTIONS}, e.g. `'gaussian_noise'`. */
  corruption: CifarCorruption;
  /** 1 (mildest) to 5. */
  severity: number;
  /** The labels file, relative to `root` or absolute (default `labels.npy`). */
  labelsFile?: string;
  /** `'cifar10'` (default; labels 0–9) or `'cifar100'` (CIFAR-100-C: fine labels 0–99). */
  variant?: CifarVariant;
}

const SEVERITIES = 5;

function checkOptions(options: LoadCifarCOptions): void {
  const { corruption, severity, variant = 'cifar10' } = options ?? ({} as LoadCifarCOptions);
  if (typeof options?.root !== 'string' || options.root === '') throw new Error(`loadCifarC: root must be a folder path, got ${describeValue(options?.root)}`);
  if (!(CIFAR_C_CORRUPTIONS as readonly unknown[]).includes(corruption)) {
    throw new Error(`loadCifarC: unknown corruption ${describeValue(corruption)}; the CIFAR-10-C corruptions are ${CIFAR_C_CORRUPTIONS.join(' ')}`);
  }
  if (!Number.isInteger(severity) || severity < 1 || severity > SEVERITIES) throw new Error(`loadCifarC: severity must be an integer from 1 to 5, got ${describeValue(severity)}`);
  if (!isCifarVariant(variant)) throw new Error(`loadCifarC: variant must be 'cifar10' or 'cifar100', got ${describeValue(variant)}`);
  if (options.labelsFile !== undefined && (typeof options.labelsFile !== 'string' || options.labelsFile === '')) {
    throw new Error(`loadCifarC: labelsFile must be a file path, got ${describeValue(options.labelsFile)}`);
  }
}

/** Opens `file`; when it is missing, says so and lists what the folder holds. */
async function openIn(root: string, file: string, what: string): Promise<NpyFile> {
  try {
    await fsp.access(file);
  } catch {
    const listing = await fsp.readdir(path.dirname(file)).catch(() => undefined);
    const held = listing === undefined ? `the folder ${path.dirname(file)} does not exist` : `${path.dirname(file)} holds ${describeListing(listing)}`;
    throw new Error(`CIFAR-C: ${what} ${file} not found (root ${root}); ${held}`);
  }
  return openNpy(file);
}

function describeListing(names: string[]): string {
  if (names.length === 0) return 'nothing';
  const sorted = [...names].sort();
  return sorted.length > 30 ? `${sorted.slice(0, 30).join(', ')} … (${sorted.length} entries)` : sorted.join(', ');
}

function expectShape(header: NpyHeader, file: string, expected: string, ok: boolean): void {
  if (!ok) throw new Error(`${file}: expected shape ${expected}, found (${header.shape.join(', ')})`);
}

/** The images' row count n (5 severities × n/5), after checking dtype and shape. */
function checkImages(npy: NpyFile): number {
  const { header, file } = npy;
  if (header.dtype.kind !== 'u' || header.dtype.itemSize !== 1) throw new Error(`${file}: expected dtype uint8 ('|u1'), found ${JSON.stringify(header.dtype.descr)}`);
  const [n, h, w, c] = header.shape;
  const ok = header.shape.length === 4 && h === 32 && w === 32 && c === 3 && n > 0 && n % SEVERITIES === 0;
  expectShape(header, file, '(5·k, 32, 32, 3), 5 severities of k images (official: (50000, 32, 32, 3))', ok);
  return n;
}

/** Labels of rows `[first, first + count)` as bytes, checked against the number of classes. */
async function readLabels(npy: NpyFile, rows: number, first: number, count: number, classes: number): Promise<Uint8Array> {
  const { header, file } = npy;
  if (header.dtype.kind !== 'u' && header.dtype.kind !== 'i') throw new Error(`${file}: expected an integer dtype (uint8 '|u1' or int64 '<i8'), found ${JSON.stringify(header.dtype.descr)}`);
  expectShape(header, file, `(${rows},), one label per image`, header.shape.length === 1 && header.shape[0] === rows);
  const values = toTypedArray(await npy.readElements(first, count), header.dtype);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = Number(values[i]);
    if (!(v >= 0 && v < classes)) {
      throw new Error(`${file}: label ${String(values[i])} at row ${first + i} is outside [0, ${classes})${classes === 10 ? " (CIFAR-100-C? pass variant: 'cifar100')" : ''}`);
    }
    labels[i] = v;
  }
  return labels;
}

/**
 * One corruption at one severity of CIFAR-10-C / CIFAR-100-C (the official `.npy` files, or files a
 * generator wrote in their layout): `<corruption>.npy` is uint8 `(5·k, 32, 32, 3)`, severity `s`
 * being rows `(s-1)·k … s·k-1`; `labels.npy` holds one integer label per row. Only that severity's
 * rows are read (30 MB of the official 150 MB file). Images are HWC bytes, as {@link loadCifar}'s.
 */
export async function loadCifarC(options: LoadCifarCOptions): Promise<CifarDataset> {
  checkOptions(options);
  const { root, corruption, severity, variant = 'cifar10' } = options;
  const classNames = variant === 'cifar10' ? CIFAR10_CLASSES : CIFAR100_FINE_CLASSES;
  const images = await openIn(root, path.join(root, `${corruption}.npy`), `corruption file`);
  try {
    const rows = checkImages(images);
    const perSeverity = rows / SEVERITIES;
    const first = (severity - 1) * perSeverity;
    const labelsNpy = await openIn(root, path.resolve(root, options.labelsFile ?? 'labels.npy'), 'labels file');
    let labels: Uint8Array;
    try {
      labels = await readLabels(labelsNpy, rows, first, perSeverity, classNames.length);
    } finally {
      await labelsNpy.close();
    }
    const pixels = await images.readElements(first * CIFAR_IMAGE_BYTES, perSeverity * CIFAR_IMAGE_BYTES);
    const described = `${images.file} (severity ${severity}: rows ${first}–${first + perSeverity - 1})`;
    return new CifarDataset(variant, pixels, labels, classNames, [described]);
  } finally {
    await images.close();
  }
}
