import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from './npy-file.js';
import { encodeNpyHeader, parseNpyHeader } from './npy-header.js';

// Fixtures written by numpy (fixtures/make_npy_fixtures.py); temp files written here.
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/npy');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-npy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const enc = (s: string) => new TextEncoder().encode(s);
/** A version-1.0 file with this header text (padded and newline-terminated) and `data` bytes. */
function npyBytes(dict: string, data = new Uint8Array(0), version = 1): Uint8Array {
  const prelude = version === 1 ? 10 : 12;
  const text = dict.padEnd(Math.ceil((prelude + dict.length + 1) / 64) * 64 - prelude - 1, ' ') + '\n';
  const out = new Uint8Array(prelude + text.length + data.length);
  out.set([0x93, ...enc('NUMPY'), version, 0]);
  if (version === 1) new DataView(out.buffer).setUint16(8, text.length, true);
  else new DataView(out.buffer).setUint32(8, text.length, true);
  out.set(enc(text), prelude);
  out.set(data, prelude + text.length);
  return out;
}
let n = 0;
function fileWith(bytes: Uint8Array): string {
  const f = path.join(tmp, `case-${n++}.npy`);
  writeFileSync(f, bytes);
  return f;
}

describe('readNpy on files numpy wrote', () => {
  it('uint8 4-d, int64 and uint8 1-d (the CIFAR-C layout)', async () => {
    const fog = await readNpy(path.join(FIXTURES, 'cifar-c/fog.npy'));
    expect(fog.descr).toBe('|u1');
    expect(fog.shape).toEqual([10, 32, 32, 3]);
    expect(fog.data).toBeInstanceOf(Uint8Array);
    expect(Array.from((fog.data as Uint8Array).subarray(0, 4))).toEqual([7, 38, 69, 100]);
    const i = 30719;
    expect(fog.data[i]).toBe((i * 31 + 7) % 251);
    const labels = await readNpy(path.join(FIXTURES, 'cifar-c/labels.npy'));
    expect(labels.descr).toBe('<i8');
    expect(Array.from(labels.data as BigInt64Array, (v) => Number(v))).toEqual([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
    expect(Array.from((await readNpy(path.join(FIXTURES, 'cifar-c/labels_u1.npy'))).data as Uint8Array)).toEqual([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
  });

  it('big-endian int32, float32, format 2.0 uint16, a 0-d float64 and bool', async () => {
    const be = await readNpy(path.join(FIXTURES, 'be_int32.npy'));
    expect([be.descr, be.shape, Array.from(be.data as Int32Array)]).toEqual(['>i4', [2, 3], [-3, -2, -1, 0, 1, 2]]);
    const f4 = await readNpy(path.join(FIXTURES, 'f4.npy'));
    expect(Array.from(f4.data as Float32Array)).toEqual([0.5, -1.25, Math.fround(0.001), 65504]);
    const v2 = await readNpy(path.join(FIXTURES, 'v2_u2.npy'));
    expect(readFileSync(path.join(FIXTURES, 'v2_u2.npy'))[6]).toBe(2);
    expect(Array.from(v2.data as Uint16Array)).toEqual([1, 256, 65535]);
    const scalar = await readNpy(path.join(FIXTURES, 'scalar_f8.npy'));
    expect([scalar.shape, Array.from(scalar.data as Float64Array)]).toEqual([[], [2.5]]);
    expect(Array.from((await readNpy(path.join(FIXTURES, 'bool.npy'))).data as Uint8Array)).toEqual([1, 0, 1]);
  });

  it('refuses Fortran order, naming the file', async () => {
    const f = path.join(FIXTURES, 'fortran.npy');
    await expect(readNpy(f)).rejects.toThrow(`${f}: .npy data in Fortran order (fortran_order: true) is not supported`);
  });
});

describe('writeNpy', () => {
  it('round-trips every typed array, with numpy-style 64-byte aligned version 1.0 headers', async () => {
    const cases = [
      [new Uint8Array([0, 255, 7, 8, 9, 10]), [2, 3], '|u1'],
      [new Int8Array([-128, 127]), [2], '|i1'],
      [new Int16Array([-2, 300]), [2, 1], '<i2'],
      [new Uint32Array([4e9]), [1], '<u4'],
      [new BigInt64Array([-5n, 2n ** 40n]), [2], '<i8'],
      [new Float64Array([Math.PI]), [], '<f8'],
      [new Float32Array(0), [0, 4], '<f4'],
    ] as const;
    for (const [data, shape, descr] of cases) {
      const f = path.join(tmp, `rt-${descr.slice(1)}.npy`);
      await writeNpy(f, data, shape);
      const bytes = readFileSync(f);
      const header = parseNpyHeader(bytes, f);
      expect(header.dataOffset % 64).toBe(0);
      expect(bytes[6]).toBe(1);
      const back = await readNpy(f);
      expect([back.descr, back.shape, Array.from(back.data as ArrayLike<unknown>)]).toEqual([descr, shape, Array.from(data as ArrayLike<unknown>)]);
    }
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]); // atomic: no temp file left
  });

  it('refuses data that does not match the shape, and non-typed-array data', async () => {
    const f = path.join(tmp, 'bad.npy');
    await expect(writeNpy(f, new Uint8Array(5), [2, 3])).rejects.toThrow(`writeNpy(${f}): shape [2, 3] holds 6 elements, data has 5`);
    await expect(writeNpy(f, [1, 2] as unknown as Uint8Array, [2])).rejects.toThrow('data must be a typed array');
    await expect(writeNpy(f, new Uint8Array(2), [2.5] as number[])).rejects.toThrow('shape must be an array of non-negative integers');
    expect(existsSync(f)).toBe(false);
  });

  it('a header too long for version 1.0 switches to 2.0', () => {
    const shape = Array.from({ length: 25000 }, () => 1);
    const h = encodeNpyHeader('|u1', shape);
    expect(h[6]).toBe(2);
    expect(parseNpyHeader(h, 'long').shape).toEqual(shape);
  });

  const numpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!numpy)('numpy loads what writeNpy wrote (skipped without /usr/bin/python3 + numpy, e.g. in CI)', async () => {
    const f = path.join(tmp, 'for-numpy.npy');
    await writeNpy(f, new BigInt64Array([1n, -2n, 3n, 2n ** 50n, 0n, 7n]), [3, 2]);
    const r = spawnSync('/usr/bin/python3', ['-c', `import numpy as np, json; a = np.load(${JSON.stringify(f)}); print(json.dumps([str(a.dtype), list(a.shape), a.ravel().tolist()]))`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['int64', [3, 2], [1, -2, 3, 2 ** 50, 0, 7]]);
  });
});

describe('hostile and broken .npy files: an error naming the file and the problem', () => {
  const u1 = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }";
  const cases: [string, Uint8Array, string][] = [
    ['not npy at all', enc('PK\u0003\u0004 this is a zip file, not npy'), 'not a NumPy .npy file'],
    ['empty file', new Uint8Array(0), 'not a NumPy .npy file (it does not start with the magic "\\x93NUMPY"; only 0 bytes)'],
    ['version 4.0', (() => { const b = npyBytes(u1, new Uint8Array(4)); b[6] = 4; return b; })(), 'unsupported .npy format version 4.0'],
    ['header length past the end', (() => { const b = npyBytes(u1, new Uint8Array(4)); b[8] = 0xff; b[9] = 0xff; return b; })(), 'header cut short (the header says 65545 bytes'],
    ['2.0 header length of 4 GB', (() => { const b = npyBytes(u1, new Uint8Array(4), 2); b.set([0xff, 0xff, 0xff, 0xff], 8); return b; })(), 'header length 4294967295 bytes is implausible'],
    ['truncated data', npyBytes(u1, new Uint8Array(3)), 'truncated: shape (2, 2) of |u1 needs 132 bytes, the file has 131'],
    ['extra data', npyBytes(u1, new Uint8Array(9)), 'longer than its header says: shape (2, 2) of |u1 needs 132 bytes, the file has 137'],
    ['no newline', (() => { const b = npyBytes(u1, new Uint8Array(4)); b[127] = 0x20; return b; })(), 'does not end with a newline'],
    ['missing key', npyBytes("{'descr': '|u1', 'shape': (4,), }", new Uint8Array(4)), 'exactly the keys descr, fortran_order, shape; found descr,shape'],
    ['extra key', npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), 'x': 1, }", new Uint8Array(4)), 'malformed .npy header'],
    ['duplicate key', npyBytes("{'descr': '|u1', 'descr': '<i8', 'fortran_order': False, 'shape': (4,), }"), 'appears twice'],
    ['object dtype', npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), `unsupported .npy dtype "|O"`],
    ['unicode dtype', npyBytes("{'descr': '<U10', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(40)), `unsupported .npy dtype "<U10"`],
    ['complex dtype', npyBytes("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), `unsupported .npy dtype "<c16"`],
    ['structured dtype', npyBytes("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }"), 'malformed .npy header: expected a quoted string'],
    ['|i8 (no byte order)', npyBytes("{'descr': '|i8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), 'has no byte order but 8-byte elements'],
    ['negative dimension', npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (-1,), }"), 'expected a non-negative integer'],
    ['float dimension', npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2.5,), }"), "expected ',' or ')'"],
    ['1-tuple without comma', npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (4), }", new Uint8Array(4)), 'a 1-tuple is written (n,)'],
    ['shape not a tuple', npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': '4', }", new Uint8Array(4)), "'shape' must be a tuple of integers"],
    ['huge shape', npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (9999999999999999, 9999999999999999), }"), 'has too many elements'],
    ['unterminated string', npyBytes("{'descr: '|u1', 'fortran_order': False, 'shape': (4,), }"), "expected ':'"],
    ['garbage after the dict', npyBytes(`${u1} import os`, new Uint8Array(4)), 'expected the end of the header'],
    ['fortran_order not a bool', npyBytes("{'descr': '|u1', 'fortran_order': 0, 'shape': (4,), }", new Uint8Array(4)), 'malformed .npy header: expected a quoted string'],
  ];
  it.each(cases)('%s', async (_, bytes, message) => {
    const f = fileWith(bytes);
    const err = await readNpy(f).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.constructor).toBe(Error);
    expect(err?.message).toContain(f);
    expect(err?.message).toContain(message);
  });

  it('a directory in place of the file names it', async () => {
    const dir = path.join(tmp, 'a-dir.npy');
    mkdirSync(dir);
    await expect(readNpy(dir)).rejects.toThrow(`${dir}: not a regular file (a .npy file was expected)`);
  });

  it('a missing file names it', async () => {
    const f = path.join(tmp, 'nope.npy');
    await expect(readNpy(f)).rejects.toThrow(`Cannot open ${f}: ENOENT`);
  });
});
