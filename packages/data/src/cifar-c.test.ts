import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR_C_CORRUPTIONS } from './cifar-c-names.js';
import { loadCifarC } from './cifar-c.js';
import { CIFAR100_FINE_CLASSES, CIFAR10_CLASSES } from './cifar-names.js';
import { writeNpy } from './npy-file.js';
import { encodeNpyHeader } from './npy-header.js';

const NUMPY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/npy/cifar-c');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-cifarc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
/** A fresh folder holding these files. */
function folder(files: Record<string, Uint8Array>): string {
  const dir = path.join(tmp, `f${n++}`);
  mkdirSync(dir);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes);
  return dir;
}
const npy = (descr: string, shape: number[], data: Uint8Array) => {
  const h = encodeNpyHeader(descr, shape);
  const out = new Uint8Array(h.length + data.length);
  out.set(h);
  out.set(data, h.length);
  return out;
};
const fixture = (name: string) => readFileSync(path.join(NUMPY_DIR, name));

describe('loadCifarC on the CIFAR-10-C layout numpy wrote (2 images per severity)', () => {
  it('each severity is its own rows: pixels, labels, class names, described source', async () => {
    for (let s = 1; s <= 5; s++) {
      const ds = await loadCifarC({ root: NUMPY_DIR, corruption: 'fog', severity: s });
      expect(ds.length).toBe(2);
      expect(ds.classNames).toEqual(CIFAR10_CLASSES);
      expect(ds.files).toEqual([`${path.join(NUMPY_DIR, 'fog.npy')} (severity ${s}: rows ${2 * s - 2}–${2 * s - 1})`]);
      for (const r of [0, 1]) {
        const sample = ds.get(r);
        const row = 2 * (s - 1) + r;
        expect([sample.height, sample.width, sample.label]).toEqual([32, 32, [3, 1, 4, 1, 5, 9, 2, 6, 5, 3][row]]);
        for (const k of [0, 1, 2, 1000, 3071]) expect(sample.image[k]).toBe(((row * 3072 + k) * 31 + 7) % 251);
      }
    }
  });

  it('uint8 labels from labelsFile, and CIFAR-100-C class names with variant cifar100', async () => {
    const ds = await loadCifarC({ root: NUMPY_DIR, corruption: 'fog', severity: 3, labelsFile: 'labels_u1.npy', variant: 'cifar100' });
    expect([ds.get(0).label, ds.get(1).label]).toEqual([5, 9]);
    expect(ds.classNames).toEqual(CIFAR100_FINE_CLASSES);
    expect(ds.variant).toBe('cifar100');
  });
});

/** Bytes the process has read through read(2) so far (Linux), or undefined elsewhere. */
function bytesRead(): number | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  return Number(/rchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);
}

describe('the official size: 50 000 rows, 150 MB, one severity read', () => {
  it('reads severity 3 (rows 20 000–29 999) from a sparse 150 MB file without reading the rest', async () => {
    const dir = path.join(tmp, 'official');
    mkdirSync(dir);
    const file = path.join(dir, 'snow.npy');
    const header = encodeNpyHeader('|u1', [50000, 32, 32, 3]);
    writeFileSync(file, header);
    truncateSync(file, header.length + 50000 * 3072); // sparse: zeros except the marks below
    const fd = openSync(file, 'r+');
    const mark = (row: number, value: number) => writeSync(fd, new Uint8Array(3072).fill(value), 0, 3072, header.length + row * 3072);
    [[19999, 1], [20000, 2], [29999, 3], [30000, 4]].forEach(([row, v]) => mark(row, v));
    closeSync(fd);
    const labels = new BigInt64Array(50000).map((_, i) => BigInt(i % 10));
    await writeNpy(path.join(dir, 'labels.npy'), labels, [50000]);

    const before = bytesRead();
    const ds = await loadCifarC({ root: dir, corruption: 'snow', severity: 3 });
    const read = before === undefined ? undefined : bytesRead()! - before;
    expect(ds.length).toBe(10000);
    expect(ds.images.length).toBe(10000 * 3072);
    expect([ds.get(0).image[0], ds.get(0).image[3071], ds.get(9999).image[0], ds.get(5000).image[7]]).toEqual([2, 2, 3, 0]);
    expect([ds.get(0).label, ds.get(9999).label]).toEqual([0, 9]);
    // The slice is 30.72 MB; the whole file 153.6 MB. (Skipped where /proc/self/io does not exist.)
    if (read !== undefined) expect(read).toBeLessThan(40e6);
  });
});

describe('loadCifarC errors name what is wrong', () => {
  const images = (rows: number) => npy('|u1', [rows, 32, 32, 3], new Uint8Array(rows * 3072));
  const labels = (rows: number) => npy('|u1', [rows], new Uint8Array(rows));

  it('a missing corruption file: names it and lists the folder', async () => {
    const root = folder({ 'labels.npy': labels(5), 'fog.npy': images(5) });
    await expect(loadCifarC({ root, corruption: 'snow', severity: 1 })).rejects.toThrow(
      `CIFAR-C: corruption file ${path.join(root, 'snow.npy')} not found (root ${root}); ${root} holds fog.npy, labels.npy`,
    );
  });

  it('a missing root and a missing labels file', async () => {
    const root = path.join(tmp, 'absent');
    await expect(loadCifarC({ root, corruption: 'fog', severity: 1 })).rejects.toThrow(`the folder ${root} does not exist`);
    const only = folder({ 'fog.npy': images(5) });
    await expect(loadCifarC({ root: only, corruption: 'fog', severity: 1 })).rejects.toThrow(`labels file ${path.join(only, 'labels.npy')} not found (root ${only}); ${only} holds fog.npy`);
  });

  it('an unknown corruption lists the 19 names; severity outside 1–5 and a bad variant are refused', async () => {
    const root = folder({});
    const err = (await loadCifarC({ root, corruption: 'gaussian' as never, severity: 1 }).catch((e: Error) => e)) as Error;
    expect(err.message).toBe(`loadCifarC: unknown corruption "gaussian"; the CIFAR-10-C corruptions are ${CIFAR_C_CORRUPTIONS.join(' ')}`);
    expect(CIFAR_C_CORRUPTIONS).toHaveLength(19);
    for (const severity of [0, 6, 2.5, '3', Number.NaN]) {
      await expect(loadCifarC({ root, corruption: 'fog', severity: severity as number })).rejects.toThrow('loadCifarC: severity must be an integer from 1 to 5, got ');
    }
    await expect(loadCifarC({ root, corruption: 'fog', severity: 1, variant: 'svhn' as never })).rejects.toThrow(`variant must be 'cifar10' or 'cifar100', got "svhn"`);
  });

  it('wrong image shape or dtype: expected vs found', async () => {
    const rows7 = folder({ 'fog.npy': images(7), 'labels.npy': labels(7) });
    await expect(loadCifarC({ root: rows7, corruption: 'fog', severity: 1 })).rejects.toThrow(
      `${path.join(rows7, 'fog.npy')}: expected shape (5·k, 32, 32, 3), 5 severities of k images (official: (50000, 32, 32, 3)), found (7, 32, 32, 3)`,
    );
    const chw = folder({ 'fog.npy': npy('|u1', [5, 3, 32, 32], new Uint8Array(5 * 3072)), 'labels.npy': labels(5) });
    await expect(loadCifarC({ root: chw, corruption: 'fog', severity: 1 })).rejects.toThrow('found (5, 3, 32, 32)');
    const floats = folder({ 'fog.npy': npy('<f4', [5, 32, 32, 3], new Uint8Array(5 * 3072 * 4)), 'labels.npy': labels(5) });
    await expect(loadCifarC({ root: floats, corruption: 'fog', severity: 1 })).rejects.toThrow(`${path.join(floats, 'fog.npy')}: expected dtype uint8 ('|u1'), found "<f4"`);
  });

  it('labels: wrong length, float dtype, out of range (with the CIFAR-100-C hint)', async () => {
    const short = folder({ 'fog.npy': images(5), 'labels.npy': labels(4) });
    await expect(loadCifarC({ root: short, corruption: 'fog', severity: 1 })).rejects.toThrow(`${path.join(short, 'labels.npy')}: expected shape (5,), one label per image, found (4)`);
    const floats = folder({ 'fog.npy': images(5), 'labels.npy': npy('<f8', [5], new Uint8Array(40)) });
    await expect(loadCifarC({ root: floats, corruption: 'fog', severity: 1 })).rejects.toThrow(`expected an integer dtype (uint8 '|u1' or int64 '<i8'), found "<f8"`);
    const big = folder({ 'fog.npy': images(5), 'labels.npy': npy('|u1', [5], new Uint8Array([1, 2, 3, 42, 4])) });
    await expect(loadCifarC({ root: big, corruption: 'fog', severity: 4 })).rejects.toThrow(`label 42 at row 3 is outside [0, 10) (CIFAR-100-C? pass variant: 'cifar100')`);
    expect((await loadCifarC({ root: big, corruption: 'fog', severity: 4, variant: 'cifar100' })).get(0).label).toBe(42);
    const negative = folder({ 'fog.npy': images(5), 'labels.npy': npy('<i8', [5], new Uint8Array(new BigInt64Array([0n, -1n, 0n, 0n, 0n]).buffer)) });
    await expect(loadCifarC({ root: negative, corruption: 'fog', severity: 2 })).rejects.toThrow('label -1 at row 1 is outside [0, 10)');
  });

  it('a truncated file and a file that is not npy: expected vs actual bytes', async () => {
    const whole = images(5);
    const cut = folder({ 'fog.npy': whole.subarray(0, whole.length - 100), 'labels.npy': labels(5) });
    await expect(loadCifarC({ root: cut, corruption: 'fog', severity: 1 })).rejects.toThrow(
      `${path.join(cut, 'fog.npy')}: .npy file truncated: shape (5, 32, 32, 3) of |u1 needs ${whole.length} bytes, the file has ${whole.length - 100}`,
    );
    const raw = folder({ 'fog.npy': new Uint8Array(5 * 3072), 'labels.npy': labels(5) });
    await expect(loadCifarC({ root: raw, corruption: 'fog', severity: 1 })).rejects.toThrow(`${path.join(raw, 'fog.npy')}: not a NumPy .npy file`);
    const realNumpy = fixture('fog.npy');
    const cutNumpy = folder({ 'fog.npy': realNumpy.subarray(0, 60), 'labels.npy': fixture('labels.npy') });
    await expect(loadCifarC({ root: cutNumpy, corruption: 'fog', severity: 1 })).rejects.toThrow('.npy header cut short (the header says 128 bytes, the file has 60)');
  });
});
