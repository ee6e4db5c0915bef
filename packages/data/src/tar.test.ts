import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, promises as fsp, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTar, safeMemberPath, TarError } from './tar.js';
import { fixChecksum, makeTar } from './testing/tar-writer.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-tar-'));
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

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

  it('gives each entry the offset of its header', () => {
    const entries = readTar(makeTar([{ name: 'a', data: new Uint8Array(600) }, { name: 'b', data: 'x' }]));
    expect(entries.map((e) => e.offset)).toEqual([0, 512 * 3]);
  });

  it('rejects a member that runs past the end (truncated)', () => {
    const tar = makeTar([{ name: 'x', data: new Uint8Array(2000) }]);
    expect(() => readTar(tar.subarray(0, 1024), 'cut.tar')).toThrow(/cut\.tar: member claims 2000 bytes.*truncated/);
  });

  it('refuses device files', () => {
    const tar = makeTar([{ name: 'x', data: '' }]);
    tar[156] = '3'.charCodeAt(0);
    fixChecksum(tar); // so only the type is wrong
    expect(() => readTar(tar, 'dev.tar')).toThrow(/unsupported member type '3'/);
  });
});

describe('safeMemberPath', () => {
  it('normalises harmless paths', () => {
    expect(safeMemberPath('./a//b/./c')).toBe('a/b/c');
    expect(safeMemberPath('./')).toBe('');
  });

  it.each([
    ['../escape.txt', /escapes the target/],
    ['a/../../escape.txt', /escapes the target/],
    ['/etc/evil', /absolute/],
    ['C:/evil', /absolute/],
    ['a\\..\\..\\evil', /non-portable/],
    ['a/\0b', /NUL byte/],
  ])('refuses %s, naming the archive', (name, message) => {
    expect(() => safeMemberPath(name, 'evil.tar')).toThrow(TarError);
    expect(() => safeMemberPath(name, 'evil.tar')).toThrow(message);
    expect(() => safeMemberPath(name, 'evil.tar', 1536)).toThrow(/^evil\.tar: .*\(at byte 1536\)$/);
  });
});

function mkdirp(p: string): void {
  mkdirSync(p, { recursive: true });
}
