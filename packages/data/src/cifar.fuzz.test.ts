// Seeded fuzzing of the CIFAR binary reader (issue 17): mutated batch files, meta files, folders
// and archives either load consistently or fail with an Error naming the file and the problem.
import { createRng, type Rng } from '@cnn/core';
import { mkdirSync, mkdtempSync, promises as fsp, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES } from './cifar-names.js';
import type { CifarDataset } from './cifar-dataset.js';
import type { CifarVariant } from './cifar-layout.js';
import { parseCifarBatch } from './cifar-parse.js';
import { loadCifar } from './cifar.js';
import { fakeCifarBytes } from './testing/fake-cifar.js';
import { expectCleanError, fuzzCases, mutate, pick, randomBytes, withinLimit, withinLimitSync } from './testing/fuzz.js';
import { makeTar } from './testing/tar-writer.js';

const PARSE_CASES = fuzzCases(2000);
const LOAD_CASES = fuzzCases(1000); // each writes a folder: slower
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-cifar-fuzz-'));
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

const recordBytes = (v: CifarVariant) => (v === 'cifar10' ? 3073 : 3074);

/** Valid records, then one seeded change: generic mutation, random label bytes or a random length. */
function batchBytes(rng: Rng, variant: CifarVariant, seed: number): Uint8Array {
  const rec = recordBytes(variant);
  const bytes = fakeCifarBytes(variant, 1 + rng.int(3), seed);
  switch (rng.int(4)) {
    case 0:
      return mutate(bytes, rng);
    case 1: {
      const r = rng.int(bytes.length / rec);
      bytes[r * rec + rng.int(rec - 3072)] = rng.int(256); // a label byte
      return bytes;
    }
    case 2:
      return randomBytes(rng, Math.max(0, rec * rng.int(3) + rng.int(5) - 2));
    default:
      return bytes;
  }
}

/** Odd inputs a caller could pass: wrong variants, typed arrays of other kinds, non-arrays. */
function confusedInput(rng: Rng): { bytes: unknown; variant: unknown } {
  const good = fakeCifarBytes('cifar10', 1, 1);
  const variants = ['cifar10', 'CIFAR10', 'cifar10 ', '', 'constructor', '__proto__', 'hasOwnProperty', undefined, null, 10];
  const inputs = [good, new Float32Array(3073), new Uint16Array(3073), new Int8Array(3073), new Uint8ClampedArray(3073),
    new DataView(good.buffer), good.buffer, Array.from(good), 'bytes', null, undefined, { length: 3073 }, 3073];
  return { bytes: pick(rng, inputs), variant: pick(rng, variants) };
}

function checkParsed(label: string, bytes: Uint8Array, variant: CifarVariant, rng: Rng): void {
  const r = parseCifarBatch(bytes, variant, `${label}.bin`);
  const rec = recordBytes(variant);
  expect(r.count * rec, label).toBe(bytes.length);
  expect(r.images.length, label).toBe(r.count * 3072);
  for (let i = 0; i < r.count; i++) expect(r.labels[i], label).toBeLessThan(variant === 'cifar10' ? 10 : 100);
  const i = rng.int(r.count);
  const p = rng.int(1024);
  const c = rng.int(3);
  expect(r.images[i * 3072 + p * 3 + c], label).toBe(bytes[i * rec + (rec - 3072) + c * 1024 + p]);
}

function checkDataset(label: string, ds: CifarDataset): void {
  expect(ds.images.length, label).toBe(ds.length * 3072);
  const classes = ds.classNames.length;
  expect([10, 20, 100], label).toContain(classes);
  for (let i = 0; i < ds.length; i++) expect(ds.labels[i], label).toBeLessThan(classes);
}

/** A folder in the official layout with seeded damage: bad bytes, directories, dangling links, odd meta files. */
function writeFolder(rng: Rng, dir: string, variant: CifarVariant, seed: number): void {
  mkdirSync(dir, { recursive: true });
  const names = variant === 'cifar10' ? ['data_batch_1.bin', 'data_batch_2.bin', 'test_batch.bin'] : ['train.bin', 'test.bin'];
  const meta = variant === 'cifar10' ? 'batches.meta.txt' : 'fine_label_names.txt';
  for (const name of [...names, meta]) {
    const p = path.join(dir, name);
    const kind = rng.int(8);
    if (kind === 0) continue;
    if (kind === 1) mkdirSync(p);
    else if (kind === 2) symlinkSync('missing-target', p);
    else if (name === meta) writeFileSync(p, kind === 3 ? mutate(new TextEncoder().encode(CIFAR10_CLASSES.join('\n')), rng) : CIFAR10_CLASSES.slice(0, 1 + rng.int(12)).join('\n'));
    else writeFileSync(p, kind === 3 ? randomBytes(rng, rng.int(7000)) : batchBytes(rng, variant, seed));
  }
}

/** Random but plausible options: a split, maybe a `files` list with unknown names or repeats. */
function randomOptions(rng: Rng, variant: CifarVariant) {
  const names = variant === 'cifar10' ? ['data_batch_1.bin', 'test_batch.bin', 'data_batch_9.bin', './data_batch_1.bin'] : ['train.bin', 'test.bin'];
  const files = rng.int(3) === 0 ? Array.from({ length: 1 + rng.int(3) }, () => pick(rng, names)) : undefined;
  return { variant, split: pick(rng, ['train', 'test'] as const), files, labelType: pick(rng, ['fine', 'coarse'] as const) };
}

describe(`CIFAR fuzz (seeded: ${PARSE_CASES} parse cases, ${LOAD_CASES} load cases)`, () => {
  it('parseCifarBatch: mutated records and confused inputs parse consistently or throw naming the file', () => {
    const rng = createRng(17_001);
    let ok = 0;
    let bad = 0;
    for (let c = 0; c < PARSE_CASES; c++) {
      const label = `fuzz-${c}`;
      const variant: CifarVariant = rng.int(2) === 0 ? 'cifar10' : 'cifar100';
      const confused = rng.int(8) === 0;
      const input = confused ? confusedInput(rng) : { bytes: batchBytes(rng, variant, c), variant };
      try {
        withinLimitSync(label, () =>
          confused ? parseCifarBatch(input.bytes as Uint8Array, input.variant as CifarVariant, `${label}.bin`) : checkParsed(label, input.bytes as Uint8Array, variant, rng),
        );
        // of the confused inputs only real bytes with a real variant may load
        if (confused) expect(input.bytes instanceof Uint8Array && input.variant === 'cifar10', `${label} accepted ${String(input.variant)}`).toBe(true);
        ok++;
      } catch (err) {
        if ((err as Error).name === 'AssertionError') throw err;
        expectCleanError(err, `${label}.bin`, label);
        bad++;
      }
    }
    expect(ok).toBeGreaterThan(PARSE_CASES / 20);
    expect(bad).toBeGreaterThan(PARSE_CASES / 20);
  });

  it('loadCifar: damaged folders and .tar.gz archives load consistently or fail naming the path', async () => {
    const rng = createRng(17_002);
    let ok = 0;
    let bad = 0;
    for (let c = 0; c < LOAD_CASES; c++) {
      const label = `case ${c}`;
      const caseDir = path.join(tmp, `c${c}`);
      const variant: CifarVariant = rng.int(3) === 0 ? 'cifar100' : 'cifar10';
      const layoutDir = variant === 'cifar10' ? 'cifar-10-batches-bin' : 'cifar-100-binary';
      let root = path.join(caseDir, layoutDir);
      writeFolder(rng, root, variant, c);
      if (rng.int(3) === 0) root = writeArchive(rng, caseDir, layoutDir, variant);
      try {
        const ds = await withinLimit(label, () => loadCifar({ root, ...randomOptions(rng, variant), maxUncompressedBytes: 1 << 20 }));
        checkDataset(label, ds);
        ok++;
      } catch (err) {
        if ((err as Error).name === 'AssertionError') throw err;
        expectCleanError(err, (err as Error).message.startsWith('loadCifar:') ? 'loadCifar' : caseDir, label);
        bad++;
      }
      rmSync(caseDir, { recursive: true, force: true });
    }
    expect(ok).toBeGreaterThan(LOAD_CASES / 50);
    expect(bad).toBeGreaterThan(LOAD_CASES / 20);
  });
});

/** Packs the folder's regular files as the official archive (sometimes mutated after gzip). */
function writeArchive(rng: Rng, caseDir: string, layoutDir: string, variant: CifarVariant): string {
  const names = variant === 'cifar10' ? ['data_batch_1.bin', 'test_batch.bin', 'batches.meta.txt'] : ['train.bin', 'test.bin', 'fine_label_names.txt'];
  const members = names.map((n) => ({ name: `${layoutDir}/${n}`, data: rng.int(4) === 0 ? randomBytes(rng, rng.int(4000)) : fakeCifarBytes(variant, 1, rng.int(1000)) }));
  let gz: Uint8Array = gzipSync(makeTar(members));
  if (rng.int(2) === 0) gz = mutate(gz, rng);
  const file = path.join(caseDir, variant === 'cifar10' ? 'cifar-10-binary.tar.gz' : 'cifar-100-binary.tar.gz');
  writeFileSync(file, gz);
  return file;
}
