import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, WriteFileAtomicError } from './write-file-atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnn-core-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes bytes and text, replacing an existing file, and leaves no temporary file', async () => {
    const file = path.join(dir, 'a.bin');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...(await readFile(file))]).toEqual([1, 2, 3]);
    await writeFileAtomic(file, 'hello');
    expect(await readFile(file, 'utf8')).toBe('hello');
    expect(await readdir(dir)).toEqual(['a.bin']);
  });

  it('creates missing directories', async () => {
    const file = path.join(dir, 'x', 'y', 'z.json');
    await writeFileAtomic(file, '{}');
    expect(await readFile(file, 'utf8')).toBe('{}');
  });

  it('when the rename fails, keeps the old target as it was, removes the temporary file and names the file and step', async () => {
    // A real failing rename: the target is a non-empty directory, which no file can replace.
    const target = path.join(dir, 'taken');
    await mkdir(target);
    await writeFile(path.join(target, 'keep.txt'), 'old');
    const error = await writeFileAtomic(target, 'new').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteFileAtomicError);
    expect((error as WriteFileAtomicError).step).toBe('rename');
    expect((error as Error).message).toContain(target);
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readFile(path.join(target, 'keep.txt'), 'utf8')).toBe('old');
  });

  it('when the directory cannot be created, says so and names the file', async () => {
    const blocker = path.join(dir, 'file');
    await writeFile(blocker, 'not a directory');
    const file = path.join(blocker, 'sub', 'out.txt');
    await expect(writeFileAtomic(file, 'x')).rejects.toThrow(`Could not write ${file} (create the directory failed)`);
  });

  it('concurrent writers of one file each leave a whole file, never a mix', async () => {
    const file = path.join(dir, 'race.bin');
    const payloads = Array.from({ length: 8 }, (_, i) => new Uint8Array(1 << 16).fill(i + 1));
    await Promise.all(payloads.map((p) => writeFileAtomic(file, p)));
    const bytes = await readFile(file);
    expect(bytes.length).toBe(1 << 16);
    expect(new Set(bytes).size).toBe(1);
    expect(await readdir(dir)).toEqual(['race.bin']);
  });
});

describe('WriteFileAtomicError', () => {
  it('is recognised by instanceof whichever copy of the package made it (ESM or CJS)', async () => {
    const { createRequire } = await import('node:module');
    const cjs = createRequire(import.meta.url)('../../dist/node.cjs') as typeof import('./write-file-atomic.js');
    const fromCjs = new cjs.WriteFileAtomicError('/x', 'rename', new Error('boom'));
    expect(fromCjs).toBeInstanceOf(WriteFileAtomicError);
    expect(new WriteFileAtomicError('/x', 'write', 'e')).toBeInstanceOf(cjs.WriteFileAtomicError);
    expect(new Error('other')).not.toBeInstanceOf(WriteFileAtomicError);
  });
});
