import { existsSync, mkdirSync, mkdtempSync, promises as fsp, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractTarEntries } from './extract-tar.js';
import { extractTarGz } from './tar-gz.js';
import { readTar, type TarEntry } from './tar.js';
import { listAll, snapshotTree } from './testing/fs-tree.js';
import { makeTar, makeTarGz, type TarSpec } from './testing/tar-writer.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-extract-'));
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

let boxes = 0;
/** A fresh folder holding nothing; `dest` inside it is not created. */
function sandbox(): { box: string; dest: string } {
  const box = path.join(tmp, `box-${boxes++}`);
  mkdirSync(box);
  return { box, dest: path.join(box, 'dest') };
}

const entries = (specs: readonly TarSpec[]): TarEntry[] => readTar(makeTar(specs), 'test.tar');

describe('extractTarEntries', () => {
  it('extracts regular files below the target and leaves no temporary files', async () => {
    const { box, dest } = sandbox();
    const written = await extractTarEntries(entries([{ name: './a/b.txt', data: 'B' }, { name: 'c', data: 'C' }]), dest);
    expect(written.map((w) => path.relative(dest, w)).sort()).toEqual(['a/b.txt', 'c']);
    expect(readFileSync(path.join(dest, 'a', 'b.txt'), 'utf8')).toBe('B');
    expect(listAll(box)).toEqual(['dest', 'dest/a', 'dest/a/b.txt', 'dest/c']);
  });

  it.each([
    ['../escape.txt', /escapes the target/],
    ['a/../../escape.txt', /escapes the target/],
    ['/etc/evil', /absolute/],
    ['C:/evil', /absolute/],
    ['a\\..\\..\\evil', /non-portable/],
  ])('refuses member path %s and writes nothing', async (name, message) => {
    const { box, dest } = sandbox();
    const tar = makeTar([{ name: 'first.txt', data: '1' }, { name, data: 'x' }]);
    await expect(extractTarEntries(readTar(tar, 'evil.tar'), dest, { source: 'evil.tar' })).rejects.toThrow(message);
    expect(readdirSync(box)).toEqual([]);
    expect(existsSync(path.join(tmp, 'escape.txt'))).toBe(false);
  });

  it('refuses symlinks and hard links pointing outside, allows ones inside', async () => {
    const { dest } = sandbox();
    const link = (linkName: string) => entries([{ name: 'l', type: 'symlink', linkName }]);
    await expect(extractTarEntries(link('../../outside'), dest, { source: 'l.tar' })).rejects.toThrow(
      /l\.tar: refusing symlink "l" -> "..\/..\/outside": it resolves outside the target/,
    );
    await expect(extractTarEntries(link('/etc/passwd'), dest)).rejects.toThrow(/pointing outside the target \(absolute\)/);
    await expect(extractTarEntries(entries([{ name: 'h', type: 'hardlink', linkName: '../x' }]), dest)).rejects.toThrow(/escapes/);
    await extractTarEntries(
      entries([{ name: 'd/f', data: 'F' }, { name: 'd/l', type: 'symlink', linkName: 'f' }, { name: 'h', type: 'hardlink', linkName: 'd/f' }]),
      dest,
    );
    expect(readFileSync(path.join(dest, 'd', 'l'), 'utf8')).toBe('F');
    expect(readFileSync(path.join(dest, 'h'), 'utf8')).toBe('F');
  });

  it('follows the archive\'s own link chains when they stay inside; refuses loops', async () => {
    const { dest } = sandbox();
    await extractTarEntries(
      entries([
        { name: 'lib/real.txt', data: 'R' },
        { name: 'lib/v1', type: 'symlink', linkName: 'real.txt' },
        { name: 'lib/v', type: 'symlink', linkName: 'v1' },
        { name: 'up', type: 'symlink', linkName: 'lib/../lib/v' },
      ]),
      dest,
    );
    expect(readFileSync(path.join(dest, 'up'), 'utf8')).toBe('R');
    expect(readlinkSync(path.join(dest, 'lib', 'v'))).toBe('v1');
    const { box, dest: d2 } = sandbox();
    await expect(
      extractTarEntries(entries([{ name: 'a', type: 'symlink', linkName: 'b' }, { name: 'b', type: 'symlink', linkName: 'a/x' }]), d2, { source: 'loop.tar' }),
    ).rejects.toThrow(/loop\.tar: refusing symlink "a" -> "b": more than 40 levels of symbolic links/);
    expect(readdirSync(box)).toEqual([]);
  });

  it('refuses a hard link to a later, missing or non-file member', async () => {
    const { dest } = sandbox();
    const bad = [
      [{ name: 'h', type: 'hardlink', linkName: 'f' }, { name: 'f', data: 'F' }],
      [{ name: 'd/', type: 'directory' }, { name: 'h', type: 'hardlink', linkName: 'd' }],
      [{ name: 'f', data: 'F' }, { name: 'l', type: 'symlink', linkName: 'f' }, { name: 'h', type: 'hardlink', linkName: 'l' }],
    ] as const;
    for (const specs of bad) {
      await expect(extractTarEntries(entries(specs), dest, { source: 'h.tar' })).rejects.toThrow(/h\.tar: hard link "h" -> "[a-z]": no earlier file member/);
    }
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses a directory member where an earlier member made a file, and the reverse', async () => {
    const { dest } = sandbox();
    await expect(extractTarEntries(entries([{ name: 'a', data: 'x' }, { name: 'a/', type: 'directory' }]), dest)).rejects.toThrow(
      /member "a\/" is a directory but an earlier member made "a" a file/,
    );
    await expect(extractTarEntries(entries([{ name: 'a/b', data: 'x' }, { name: 'a', data: 'y' }]), dest)).rejects.toThrow(
      /member "a" is a file but an earlier member made "a" a directory/,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it('merges into an existing destination: other files stay, same-named files and links are replaced', async () => {
    const { dest } = sandbox();
    mkdirSync(path.join(dest, 'sub'), { recursive: true });
    writeFileSync(path.join(dest, 'keep.txt'), 'mine');
    writeFileSync(path.join(dest, 'sub', 'old.txt'), 'old');
    writeFileSync(path.join(dest, 'sub', 'f.txt'), 'before');
    symlinkSync('keep.txt', path.join(dest, 'was-link'));
    await extractTarEntries(entries([{ name: 'sub/f.txt', data: 'after' }, { name: 'was-link', data: 'now a file' }, { name: 'new/x', data: 'x' }]), dest);
    expect(snapshotTree(dest).map((l) => l.replace(/ f [0-9a-f]+$/, ' f'))).toEqual([
      'keep.txt f',
      'new d',
      'new/x f',
      'sub d',
      'sub/f.txt f',
      'sub/old.txt f',
      'was-link f',
    ]);
    expect(readFileSync(path.join(dest, 'sub', 'f.txt'), 'utf8')).toBe('after');
    expect(readFileSync(path.join(dest, 'keep.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(path.join(dest, 'was-link'), 'utf8')).toBe('now a file');
    expect(readdirSync(path.dirname(dest))).toEqual(['dest']); // no staging folder left beside it
  });

  it('refuses to swap a directory in the destination for a file (or the reverse), touching nothing', async () => {
    const { dest } = sandbox();
    mkdirSync(path.join(dest, 'd'), { recursive: true });
    writeFileSync(path.join(dest, 'f'), 'file');
    const before = snapshotTree(dest);
    await expect(extractTarEntries(entries([{ name: 'ok', data: '1' }, { name: 'd', data: 'x' }]), dest, { source: 's.tar' })).rejects.toThrow(
      /s\.tar: cannot write file "d": the destination has a directory there/,
    );
    await expect(extractTarEntries(entries([{ name: 'ok', data: '1' }, { name: 'f/x', data: 'x' }]), dest, { source: 's.tar' })).rejects.toThrow(
      /s\.tar: cannot make directory "f": the destination has a file there/,
    );
    expect(snapshotTree(dest)).toEqual(before);
  });

  it('does not extract through a symlinked directory already in the destination', async () => {
    const { box, dest } = sandbox();
    const outside = path.join(box, 'outside-dir');
    mkdirSync(outside);
    mkdirSync(dest);
    symlinkSync(outside, path.join(dest, 'sneaky')); // e.g. left by an older extraction
    await expect(extractTarEntries(entries([{ name: 'sneaky/x', data: 'x' }]), dest, { source: 's.tar' })).rejects.toThrow(
      /s\.tar: refusing to extract into "sneaky": it is a symbolic link in the destination .*never goes through links/,
    );
    await expect(extractTarEntries(entries([{ name: 'l', type: 'symlink', linkName: 'sneaky/x' }]), dest, { source: 's.tar' })).rejects.toThrow(
      /refusing symlink "l" -> "sneaky\/x": it goes through "sneaky", a symbolic link already in the destination/,
    );
    expect(readdirSync(outside)).toEqual([]);
  });

  it('the filter leaves members out without checking them; a hard link may still copy a filtered-out file', async () => {
    const { dest } = sandbox();
    const written = await extractTarEntries(
      entries([
        { name: 'skip/evil', type: 'symlink', linkName: '/etc/passwd' },
        { name: 'skip/data', data: 'D' },
        { name: 'keep/copy', type: 'hardlink', linkName: 'skip/data' },
      ]),
      dest,
      { filter: (rel) => rel.startsWith('keep/') },
    );
    expect(written).toEqual([path.join(dest, 'keep', 'copy')]);
    expect(listAll(dest)).toEqual(['keep', 'keep/copy']);
  });
});

// issue 17, item 2: defects found by a hostile-archive probe.
describe('issue 17: hostile archives', () => {
  it('a symlink chain (a/b -> ., a/b/x -> ../.., dir a/x/OUTSIDE) creates nothing outside or inside dest', async () => {
    const { box, dest } = sandbox();
    const gz = path.join(box, 'chain.tar.gz');
    writeFileSync(
      gz,
      makeTarGz([
        { name: 'a/b', type: 'symlink', linkName: '.' },
        { name: 'a/b/x', type: 'symlink', linkName: '../..' },
        { name: 'a/x/OUTSIDE/', type: 'directory' },
      ]),
    );
    await expect(extractTarGz(gz, dest)).rejects.toThrow(/chain\.tar\.gz: .*"a\/b\/x".*symbolic link "a\/b"/);
    expect(readdirSync(box)).toEqual(['chain.tar.gz']);
    expect(existsSync(path.join(tmp, 'OUTSIDE'))).toBe(false);
  });

  it('a file member followed by a member beneath it leaves an existing dest untouched', async () => {
    const { box, dest } = sandbox();
    mkdirSync(dest);
    writeFileSync(path.join(dest, 'keep.txt'), 'mine');
    const tar = makeTar([
      { name: 'ok.txt', data: 'fine' },
      { name: 'a', data: 'I am a file' },
      { name: 'a/b', data: 'beneath a file' },
    ]);
    await expect(extractTarEntries(readTar(tar, 'beneath.tar'), dest, { source: 'beneath.tar' })).rejects.toThrow(
      /beneath\.tar: .*"a\/b".*"a" is a file/,
    );
    expect(listAll(box)).toEqual(['dest', 'dest/keep.txt']);
    expect(readFileSync(path.join(dest, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('a member the file system refuses (name too long) after good ones leaves dest untouched', async () => {
    const { box, dest } = sandbox();
    mkdirSync(dest);
    writeFileSync(path.join(dest, 'keep.txt'), 'mine');
    const tar = makeTar([{ name: 'ok.txt', data: 'fine' }, { name: `d/${'n'.repeat(300)}`, data: 'x' }]);
    await expect(extractTarEntries(readTar(tar, 'long.tar'), dest, { source: 'long.tar' })).rejects.toThrow(/long\.tar: cannot write "d\/n+.*ENAMETOOLONG/);
    expect(listAll(box)).toEqual(['dest', 'dest/keep.txt']);
  });

  it("a link chain through the archive's own links that resolves outside is refused", async () => {
    const { box, dest } = sandbox();
    // as text a/b/../.. is dest itself, but a/b -> . makes it dest/..
    const tar = makeTar([
      { name: 'a/b', type: 'symlink', linkName: '.' },
      { name: 'a/c', type: 'symlink', linkName: 'b/../..' },
    ]);
    await expect(extractTarEntries(readTar(tar), dest, { source: 'lc.tar' })).rejects.toThrow(/lc\.tar: refusing symlink "a\/c" -> "b\/\.\.\/\.\.": it resolves outside the target/);
    expect(readdirSync(box)).toEqual([]);
  });
});
