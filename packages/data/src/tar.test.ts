import { createRng } from '@cnn/backend';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, promises as fsp, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractTarEntries, extractTarGz, readTar, readTarGz, safeMemberPath, TarError } from './tar.js';
import { makeTar, makeTarGz } from './testing/tar-writer.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-tar-'));
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(path.relative(dir, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe('readTar', () => {
  it('reads files, directories and pax long names', () => {
    const long = `${'d'.repeat(80)}/${'f'.repeat(60)}.bin`;
    const tar = makeTar([
      { name: 'a/', type: 'directory' },
      { name: 'a/x.txt', data: 'hello' },
      { name: long, data: new Uint8Array([1, 2, 3]) },
      { name: 'a/empty', data: '' },
    ]);
    const entries = readTar(tar, 'test.tar');
    expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['a/', 'directory', 0],
      ['a/x.txt', 'file', 5],
      [long, 'file', 3],
      ['a/empty', 'file', 0],
    ]);
    expect(new TextDecoder().decode(entries[1].data)).toBe('hello');
    expect(Array.from(entries[2].data)).toEqual([1, 2, 3]);
  });

  it('reads an archive written by the system tar (GNU format)', () => {
    const src = path.join(tmp, 'gnu-src');
    mkdirp(path.join(src, 'dir', 'sub'));
    writeFileSync(path.join(src, 'dir', 'sub', 'data.bin'), Buffer.alloc(1300, 7));
    writeFileSync(path.join(src, 'dir', 'n'.repeat(120)), 'long name');
    const archive = path.join(tmp, 'gnu.tar');
    try {
      execFileSync('tar', ['--format=gnu', '-cf', archive, '-C', src, 'dir']);
    } catch {
      console.warn('system tar unavailable: skipping the GNU-format check');
      return;
    }
    const entries = readTar(readFileSync(archive), archive);
    const files = entries.filter((e) => e.type === 'file');
    expect(files.map((e) => e.name).sort()).toEqual([`dir/${'n'.repeat(120)}`, 'dir/sub/data.bin']);
    expect(files.find((e) => e.name.endsWith('data.bin'))!.data.every((b) => b === 7)).toBe(true);
  });

  it('rejects a corrupted header checksum, naming the archive and offset', () => {
    const tar = makeTar([{ name: 'x', data: 'abc' }]);
    tar[10] ^= 0xff;
    expect(() => readTar(tar, 'bad.tar')).toThrow(/bad\.tar: header checksum mismatch.*at byte 0/);
  });

  it('rejects a member that runs past the end (truncated)', () => {
    const tar = makeTar([{ name: 'x', data: new Uint8Array(2000) }]);
    expect(() => readTar(tar.subarray(0, 1024), 'cut.tar')).toThrow(/cut\.tar: member claims 2000 bytes.*truncated/);
  });

  it('refuses device files', () => {
    const tar = makeTar([{ name: 'x', data: '' }]);
    tar[156] = '3'.charCodeAt(0);
    // fix the checksum so only the type is wrong
    tar.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += tar[i];
    tar.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    expect(() => readTar(tar, 'dev.tar')).toThrow(/unsupported member type '3'/);
  });
});

describe('safe extraction', () => {
  it('extracts regular files atomically below the target', async () => {
    const dest = path.join(tmp, 'ok');
    const written = await extractTarEntries(readTar(makeTar([{ name: './a/b.txt', data: 'B' }, { name: 'c', data: 'C' }])), dest);
    expect(written.map((w) => path.relative(dest, w)).sort()).toEqual(['a/b.txt', 'c']);
    expect(readFileSync(path.join(dest, 'a', 'b.txt'), 'utf8')).toBe('B');
    expect(listAll(dest).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it.each([
    ['../escape.txt', /escapes the target/],
    ['a/../../escape.txt', /escapes the target/],
    ['/etc/evil', /absolute/],
    ['C:/evil', /absolute/],
    ['a\\..\\..\\evil', /non-portable/],
  ])('refuses member path %s and writes nothing', async (name, message) => {
    const dest = path.join(tmp, `bad-${Math.random().toString(36).slice(2)}`);
    const tar = makeTar([{ name: 'first.txt', data: '1' }, { name, data: 'x' }]);
    await expect(extractTarEntries(readTar(tar, 'evil.tar'), dest, { source: 'evil.tar' })).rejects.toThrow(message);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(path.join(tmp, 'escape.txt'))).toBe(false);
  });

  it('refuses symlinks and hard links pointing outside, allows ones inside', async () => {
    const dest = path.join(tmp, 'links');
    await expect(
      extractTarEntries(readTar(makeTar([{ name: 'l', type: 'symlink', linkName: '../../outside' }])), dest, { source: 'l.tar' }),
    ).rejects.toThrow(/l\.tar: refusing symlink "l" -> "..\/..\/outside"/);
    await expect(extractTarEntries(readTar(makeTar([{ name: 'l', type: 'symlink', linkName: '/etc/passwd' }])), dest)).rejects.toThrow(/pointing outside/);
    await expect(extractTarEntries(readTar(makeTar([{ name: 'h', type: 'hardlink', linkName: '../x' }])), dest)).rejects.toThrow(/escapes/);
    await extractTarEntries(
      readTar(makeTar([{ name: 'd/f', data: 'F' }, { name: 'd/l', type: 'symlink', linkName: 'f' }, { name: 'h', type: 'hardlink', linkName: 'd/f' }])),
      dest,
    );
    expect(readFileSync(path.join(dest, 'd', 'l'), 'utf8')).toBe('F');
    expect(readFileSync(path.join(dest, 'h'), 'utf8')).toBe('F');
  });

  it('does not follow a symlinked directory planted by an earlier member out of the target', async () => {
    const dest = path.join(tmp, 'plant');
    const outside = path.join(tmp, 'outside-dir');
    mkdirp(outside);
    mkdirp(dest);
    await fsp.symlink(outside, path.join(dest, 'sneaky')); // pre-existing link, e.g. from an older extraction
    await expect(extractTarEntries(readTar(makeTar([{ name: 'sneaky/x', data: 'x' }])), dest, { source: 's.tar' })).rejects.toThrow(
      /resolves outside the target/,
    );
    expect(readdirSync(outside)).toEqual([]);
  });

  it('reads and extracts .tar.gz; reports a corrupt gzip with the file name', async () => {
    const gz = path.join(tmp, 'x.tar.gz');
    writeFileSync(gz, makeTarGz([{ name: 'top/f.bin', data: new Uint8Array([9, 8]) }]));
    expect((await readTarGz(gz)).map((e) => e.name)).toEqual(['top/f.bin']);
    await extractTarGz(gz, path.join(tmp, 'gzout'));
    expect(Array.from(readFileSync(path.join(tmp, 'gzout', 'top', 'f.bin')))).toEqual([9, 8]);
    const bad = path.join(tmp, 'bad.tar.gz');
    const bytes = readFileSync(gz);
    writeFileSync(bad, bytes.subarray(0, bytes.length - 12));
    await expect(readTarGz(bad)).rejects.toThrow(/bad\.tar\.gz is not a valid gzip file/);
    await expect(readTarGz(gz, 1000)).rejects.toThrow(/x\.tar\.gz: uncompresses to more than 1000 bytes/);
    await expect(readTarGz(path.join(tmp, 'missing.tar.gz'))).rejects.toThrow(/Cannot read archive .*missing\.tar\.gz/);
  });

  it('safeMemberPath normalises harmless paths', () => {
    expect(safeMemberPath('./a//b/./c')).toBe('a/b/c');
    expect(safeMemberPath('./')).toBe('');
  });
});

describe('fuzz (seeded, bounded)', () => {
  it('malformed archives either parse or throw a TarError; extraction never escapes', async () => {
    const rng = createRng(20240611);
    const base = makeTar([
      { name: 'p/', type: 'directory' },
      { name: 'p/one.bin', data: new Uint8Array(700).fill(1) },
      { name: `p/${'q'.repeat(120)}`, data: 'pax' },
      { name: 'p/link', type: 'symlink', linkName: 'one.bin' },
    ]);
    const sandbox = path.join(tmp, 'fuzz');
    const dest = path.join(sandbox, 'dest');
    mkdirp(dest);
    let parsed = 0;
    let rejected = 0;
    for (let c = 0; c < 300; c++) {
      const t = base.slice();
      const mode = rng.int(4);
      let bytes: Uint8Array = t;
      if (mode === 0) {
        for (let k = 0, m = 1 + rng.int(8); k < m; k++) t[rng.int(t.length)] = rng.int(256);
      } else if (mode === 1) {
        bytes = t.subarray(0, rng.int(t.length));
      } else if (mode === 2) {
        // corrupt a header field and fix the checksum, so deeper checks are exercised
        const h = 512 * rng.int(t.length / 512 - 2);
        const field = [0, 124, 156, 157, 257, 345][rng.int(6)];
        for (let k = 0; k < 1 + rng.int(6); k++) t[h + field + k] = [0x2e, 0x2f, 0x37, 0x39, 0x00, 0x61, 0x80, 0x20][rng.int(8)];
        t.fill(0x20, h + 148, h + 156);
        let sum = 0;
        for (let i = 0; i < 512; i++) sum += t[h + i];
        t.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), h + 148);
      } else {
        bytes = new Uint8Array(512 * (1 + rng.int(4)));
        for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      }
      let entries;
      try {
        entries = readTar(bytes, `case-${c}.tar`);
        parsed++;
      } catch (err) {
        expect(err).toBeInstanceOf(TarError);
        expect((err as Error).message).toContain(`case-${c}.tar`);
        rejected++;
        continue;
      }
      try {
        await extractTarEntries(entries, dest, { source: `case-${c}.tar` });
      } catch (err) {
        expect((err as Error).message).toMatch(new RegExp(`case-${c}\\.tar|EEXIST|ENOTDIR|EISDIR|ENOENT|ENAMETOOLONG|EINVAL`));
      }
    }
    expect(parsed).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
    expect(readdirSync(sandbox)).toEqual(['dest']);
  });
});

function mkdirp(p: string): void {
  mkdirSync(p, { recursive: true });
}
