import { createRng } from '@cnn/core';
import { existsSync, mkdirSync, mkdtempSync, promises as fsp, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './cifar-names.js';
import { parseCifarBatch } from './cifar-parse.js';
import { loadCifar } from './cifar.js';
import { fakeCifarBytes } from './testing/fake-cifar.js';
import { makeTarGz } from './testing/tar-writer.js';

// The shared data sits at <repo>/../shared/data; this file is <repo>/packages/data/src/cifar.test.ts.
const REAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cifar-10-batches-bin');
const haveReal = existsSync(path.join(REAL, 'test_batch.bin'));
if (!haveReal) console.warn(`real CIFAR-10 not found at ${REAL}: skipping the real-bytes tests`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-cifar-'));
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

describe.skipIf(!haveReal)('real CIFAR-10 bytes (../shared/data)', () => {
  it('test batch: shape, label histogram, known pixels read independently from the raw file', async () => {
    const ds = await loadCifar({ root: path.dirname(REAL), split: 'test' });
    expect(ds.length).toBe(10000);
    expect(ds.images.length).toBe(10000 * 32 * 32 * 3);
    expect(ds.classNames[0]).toBe('airplane');
    expect(ds.classNames[9]).toBe('truck');
    const raw = readFileSync(path.join(REAL, 'test_batch.bin'));
    const hist = new Array(10).fill(0);
    for (let r = 0; r < 10000; r++) hist[raw[r * 3073]]++;
    const got = new Array(10).fill(0);
    for (let i = 0; i < ds.length; i++) got[ds.get(i).label]++;
    expect(got).toEqual(hist);
    expect(hist).toEqual(new Array(10).fill(1000)); // the official test set is balanced
    const rng = createRng(7);
    for (let k = 0; k < 20; k++) {
      const i = rng.int(10000);
      const y = rng.int(32);
      const x = rng.int(32);
      const s = ds.get(i);
      expect([s.height, s.width, s.image.length]).toEqual([32, 32, 3072]);
      for (let c = 0; c < 3; c++) expect(s.image[(y * 32 + x) * 3 + c]).toBe(raw[i * 3073 + 1 + c * 1024 + y * 32 + x]);
    }
  });

  it('train split with only data_batch_1 present reads that subset; explicit files work', async () => {
    const ds = await loadCifar({ root: REAL, split: 'train' });
    expect(ds.length).toBe(10000);
    expect(ds.files).toEqual([path.join(REAL, 'data_batch_1.bin')]);
    const both = await loadCifar({ root: REAL, files: ['data_batch_1.bin', 'test_batch.bin'] });
    expect(both.length).toBe(20000);
    expect(both.get(10000).label).toBe(readFileSync(path.join(REAL, 'test_batch.bin'))[0]);
    await expect(loadCifar({ root: REAL, files: ['data_batch_2.bin'] })).rejects.toThrow(/data_batch_2\.bin not found/);
  });
});

describe('CIFAR-100 (built in the test)', () => {
  it('reads coarse and fine labels, names from the meta files or built in', async () => {
    const dir = path.join(tmp, 'c100', 'cifar-100-binary');
    mkdirSync(dir, { recursive: true });
    const bytes = fakeCifarBytes('cifar100', 37, 3);
    writeFileSync(path.join(dir, 'train.bin'), bytes);
    writeFileSync(path.join(dir, 'fine_label_names.txt'), `${CIFAR100_FINE_CLASSES.join('\n')}\n\n`);
    const fine = await loadCifar({ root: path.join(tmp, 'c100'), variant: 'cifar100' });
    const coarse = await loadCifar({ root: dir, variant: 'cifar100', labelType: 'coarse' });
    expect(fine.length).toBe(37);
    expect(fine.classNames).toEqual(CIFAR100_FINE_CLASSES);
    expect(coarse.classNames).toEqual(CIFAR100_COARSE_CLASSES);
    for (let i = 0; i < 37; i++) {
      expect(fine.get(i).label).toBe(bytes[i * 3074 + 1]);
      expect(coarse.get(i).label).toBe(bytes[i * 3074]);
      expect(fine.coarseLabels![i]).toBe(bytes[i * 3074]);
      expect(fine.get(i).image[3 * 33 + 2]).toBe(bytes[i * 3074 + 2 + 2048 + 33]); // pixel (1,1) blue
    }
    await expect(loadCifar({ root: dir, variant: 'cifar100', split: 'test' })).rejects.toThrow(/no test batch file found.*test\.bin/);
  });

  it('reads straight from a .tar.gz in the official layout', async () => {
    const c10 = fakeCifarBytes('cifar10', 5, 11);
    const archive = path.join(tmp, 'arch', 'cifar-10-binary.tar.gz');
    mkdirSync(path.dirname(archive), { recursive: true });
    writeFileSync(
      archive,
      makeTarGz([
        { name: 'cifar-10-batches-bin/', type: 'directory' },
        { name: 'cifar-10-batches-bin/data_batch_3.bin', data: c10 },
        { name: 'cifar-10-batches-bin/batches.meta.txt', data: 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n' },
      ]),
    );
    for (const root of [archive, path.dirname(archive)]) {
      const ds = await loadCifar({ root });
      expect(ds.length).toBe(5);
      expect(ds.classNames.join('')).toBe('abcdefghij');
      expect(ds.files[0]).toBe(`${archive}:cifar-10-batches-bin/data_batch_3.bin`);
      expect(ds.get(4).label).toBe(c10[4 * 3073]);
    }
  });
});

describe('bad input', () => {
  it('names the file and the problem', async () => {
    const dir = path.join(tmp, 'bad', 'cifar-10-batches-bin');
    mkdirSync(dir, { recursive: true });
    const good = fakeCifarBytes('cifar10', 3, 5);
    writeFileSync(path.join(dir, 'data_batch_1.bin'), good.subarray(0, good.length - 100));
    await expect(loadCifar({ root: dir })).rejects.toThrow(/data_batch_1\.bin: size 9119 bytes is not a multiple of the 3073-byte CIFAR-10 record/);
    const badLabel = good.slice();
    badLabel[3073] = 12;
    writeFileSync(path.join(dir, 'data_batch_1.bin'), badLabel);
    await expect(loadCifar({ root: dir })).rejects.toThrow(/data_batch_1\.bin: record 1 \(byte 3073\) has label 12, expected 0\.\.9/);
    writeFileSync(path.join(dir, 'data_batch_1.bin'), good);
    writeFileSync(path.join(dir, 'batches.meta.txt'), 'only\nthree\nnames\n');
    await expect(loadCifar({ root: dir })).rejects.toThrow(/batches\.meta\.txt: expected 10 class names, found 3/);
    await expect(loadCifar({ root: path.join(tmp, 'nope') })).rejects.toThrow(/directory .*nope does not exist\. Put the official archive/);
    mkdirSync(path.join(tmp, 'empty'));
    await expect(loadCifar({ root: path.join(tmp, 'empty') })).rejects.toThrow(/no batch files found under .*empty.*cifar-10-binary\.tar\.gz/);
  });
});

// issue 17, items 6 and 7.
describe('issue 17: clear errors and the archive size cap', () => {
  it('a batch file or batches.meta.txt that is a directory: error naming the path, not raw EISDIR', async () => {
    const dir = path.join(tmp, 'isdir', 'cifar-10-batches-bin');
    mkdirSync(path.join(dir, 'data_batch_1.bin'), { recursive: true });
    writeFileSync(path.join(dir, 'test_batch.bin'), fakeCifarBytes('cifar10', 2, 1));
    await expect(loadCifar({ root: dir, split: 'train' })).rejects.toThrow(
      new RegExp(`${escape(path.join(dir, 'data_batch_1.bin'))}: is a directory, expected a CIFAR-10 batch file`),
    );
    await expect(loadCifar({ root: dir, files: ['data_batch_1.bin'] })).rejects.toThrow(/data_batch_1\.bin: is a directory/);
    mkdirSync(path.join(dir, 'batches.meta.txt'));
    await expect(loadCifar({ root: dir, split: 'test' })).rejects.toThrow(
      new RegExp(`${escape(path.join(dir, 'batches.meta.txt'))}: is a directory, expected the class-names file`),
    );
  });

  it('parseCifarBatch names an unknown variant and the allowed ones', () => {
    const bytes = fakeCifarBytes('cifar10', 1, 2);
    for (const v of ['cifar1000', 'toString', '__proto__', undefined]) {
      expect(() => parseCifarBatch(bytes, v as never, 'x.bin')).toThrow(
        new RegExp(`x\\.bin: unknown CIFAR variant ${escape(String(JSON.stringify(v)))}; expected 'cifar10' or 'cifar100'`),
      );
    }
  });

  it('parseCifarBatch rejects input that is not a Uint8Array, naming what it got', () => {
    const good = fakeCifarBytes('cifar10', 1, 3);
    expect(() => parseCifarBatch(new Float32Array(3073) as never, 'cifar10', 'f.bin')).toThrow(/f\.bin: expected the file's bytes as a Uint8Array, got Float32Array/);
    expect(() => parseCifarBatch(new Uint16Array(3073) as never, 'cifar10', 'f.bin')).toThrow(/got Uint16Array/);
    expect(() => parseCifarBatch({ length: 3073 } as never, 'cifar10', 'f.bin')).toThrow(/got an object/);
    expect(() => parseCifarBatch(null as never, 'cifar10', 'f.bin')).toThrow(/got null/);
    expect(parseCifarBatch(Buffer.from(good), 'cifar10', 'f.bin').count).toBe(1); // a Buffer is a Uint8Array
  });

  it('loadCifar({ files: [f, f] }) names the duplicate instead of doubling the data', async () => {
    const dir = path.join(tmp, 'dup', 'cifar-10-batches-bin');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'data_batch_1.bin'), fakeCifarBytes('cifar10', 2, 4));
    await expect(loadCifar({ root: dir, files: ['data_batch_1.bin', 'data_batch_1.bin'] })).rejects.toThrow(
      /loadCifar: files lists "data_batch_1\.bin" more than once/,
    );
  });

  it('loadCifar passes maxUncompressedBytes to the archive reader', async () => {
    const archive = path.join(tmp, 'cap', 'cifar-10-binary.tar.gz');
    mkdirSync(path.dirname(archive), { recursive: true });
    writeFileSync(archive, makeTarGz([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: fakeCifarBytes('cifar10', 5, 5) }]));
    await expect(loadCifar({ root: archive, maxUncompressedBytes: 4096 })).rejects.toThrow(
      /cifar-10-binary\.tar\.gz: uncompresses to more than 4096 bytes \(maxUncompressedBytes\)/,
    );
    expect((await loadCifar({ root: archive, maxUncompressedBytes: 1e6 })).length).toBe(5);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
