// Seeded fuzzing of the tar reader and the extractor (issue 17): malformed and hostile archives,
// plain and gzipped, either extract inside the destination or fail with an Error naming the
// archive and the problem, leaving the destination as it was; nothing is ever written outside.
import { createRng, type Rng } from '@cnn/core';
import { mkdirSync, mkdtempSync, promises as fsp, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { extractTarEntries } from './extract-tar.js';
import { extractTarGz } from './tar-gz.js';
import { readTar, type TarEntry } from './tar.js';
import { snapshotTree } from './testing/fs-tree.js';
import { concat, expectCleanError, fuzzCases, mutate, pick, randomBytes, withinLimit, withinLimitSync } from './testing/fuzz.js';
import { fixChecksum, makeTar, type TarSpec } from './testing/tar-writer.js';

const CASES = fuzzCases(2000);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-tar-fuzz-'));
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

const BASES = [
  makeTar([
    { name: 'p/', type: 'directory' },
    { name: 'p/one.bin', data: new Uint8Array(700).fill(1) },
    { name: `p/${'q'.repeat(120)}`, data: 'pax' },
    { name: 'p/link', type: 'symlink', linkName: 'one.bin' },
    { name: 'p/hard', type: 'hardlink', linkName: 'p/one.bin' },
  ]),
  makeTar([
    { name: 'lib/real', data: 'R' },
    { name: 'lib/v1', type: 'symlink', linkName: 'real' },
    { name: 'lib/v', type: 'symlink', linkName: 'v1' },
    { name: 'a/b/c/deep.txt', data: 'deep' },
  ]),
  makeTar([{ name: 'keep', data: 'replaced' }]),
];

/** Header fields worth breaking, with values that test paths, sizes and types. */
const FIELDS: { at: number; len: number; values: () => string[] }[] = [
  { at: 0, len: 100, values: () => ['..', '../x', '/abs', 'a/../..', '.', 'a/b', 'p', 'p/link/x', 'lib/v/x', 'keep/x', '', 'x'.repeat(99)] },
  { at: 124, len: 12, values: () => ['77777777777', '00000001000', '0', '9', ' ', '-1'] },
  { at: 156, len: 1, values: () => ['0', '1', '2', '5', '7', 'x', 'g', 'L', 'K', '3', '6', '\0'] },
  { at: 157, len: 100, values: () => ['..', '../..', '.', '/etc/passwd', 'p/one.bin', 'lib/v', 'missing', 'a/b/../../..', ''] },
  { at: 257, len: 6, values: () => ['ustar\0', 'ustar ', 'xxxxx'] },
  { at: 345, len: 155, values: () => ['..', 'a', '/', 'p/link'] },
];

function breakHeaderField(rng: Rng): Uint8Array {
  const tar = pick(rng, BASES).slice();
  const headers = readTar(tar).map((e) => e.offset!);
  const at = pick(rng, headers);
  const field = pick(rng, FIELDS);
  tar.fill(0, at + field.at, at + field.at + field.len);
  const text = new TextEncoder().encode(pick(rng, field.values()));
  tar.set(rng.int(5) === 0 ? randomBytes(rng, field.len) : text.subarray(0, field.len), at + field.at);
  fixChecksum(tar, at);
  return tar;
}

const PARTS = ['a', 'b', 'x', '.', '..', 'keep', 'lk', 'esc'];
const TARGETS = ['.', '..', '../..', 'a', 'a/b', 'x', '/tmp', 'lk', 'esc', 'esc/secret', 'a/../..', 'b/../..', 'keep'];

/** A random member list: the grammar that finds link chains, shadowing and replacement. */
function randomMembers(rng: Rng): Uint8Array {
  const specs: TarSpec[] = [];
  for (let k = 0, n = 1 + rng.int(5); k < n; k++) {
    const name = Array.from({ length: 1 + rng.int(3) }, () => pick(rng, PARTS)).join('/') + (rng.int(6) === 0 ? '/' : '');
    const type = pick(rng, ['file', 'file', 'directory', 'symlink', 'symlink', 'hardlink'] as const);
    const linkName = type === 'hardlink' ? pick(rng, ['a', 'a/b', 'x', 'keep', '../x']) : pick(rng, TARGETS);
    specs.push({ name, type, data: type === 'file' ? `data ${k}` : undefined, linkName: type === 'symlink' || type === 'hardlink' ? linkName : undefined });
  }
  return makeTar(specs);
}

function archiveBytes(rng: Rng): Uint8Array {
  switch (rng.int(10)) {
    case 0:
    case 1:
    case 2:
      return mutate(pick(rng, BASES), rng);
    case 3:
    case 4:
      return breakHeaderField(rng);
    case 5:
      return randomBytes(rng, 512 * (1 + rng.int(4)));
    default:
      return randomMembers(rng);
  }
}

/** The destination before a case: absent, empty, or holding files, a link inside and a link out. */
function prepareDest(rng: Rng, dest: string): void {
  rmSync(dest, { recursive: true, force: true });
  const state = rng.int(3);
  if (state === 0) return;
  mkdirSync(dest);
  if (state === 1) return;
  mkdirSync(path.join(dest, 'a'));
  writeFileSync(path.join(dest, 'keep'), 'mine');
  writeFileSync(path.join(dest, 'a', 'f'), 'f');
  symlinkSync('a', path.join(dest, 'lk'));
  symlinkSync('../outside', path.join(dest, 'esc'));
}

/** Every link the archive left in `dest` resolves inside it (or nowhere). */
function expectLinksInside(dest: string, before: readonly string[], label: string): void {
  const realDest = realpathSync(dest);
  for (const line of snapshotTree(dest)) {
    const m = / l -> /.exec(line);
    if (!m || before.includes(line)) continue;
    const rel = line.slice(0, m.index);
    let real: string;
    try {
      real = realpathSync(path.join(dest, rel));
    } catch (err) {
      expect(['ENOENT', 'ENOTDIR'], `${label}: ${rel}`).toContain((err as NodeJS.ErrnoException).code);
      continue;
    }
    expect(path.relative(realDest, real).startsWith('..'), `${label}: ${line} resolves to ${real}`).toBe(false);
  }
}

async function runCase(rng: Rng, box: string, c: number): Promise<'ok' | 'bad'> {
  const dest = path.join(box, 'dest');
  prepareDest(rng, dest);
  const outsideBefore = snapshotTree(path.join(box, 'outside'));
  const destBefore = snapshotTree(dest);
  let tar = archiveBytes(rng);
  const gzipped = rng.int(4) === 0;
  const source = gzipped ? path.join(box, `case-${c}.tar.gz`) : `case-${c}.tar`;
  if (gzipped) {
    if (rng.int(8) === 0) tar = concat(tar, new Uint8Array(300_000)); // past the cap below: a small bomb
    const gz = gzipSync(tar);
    writeFileSync(source, rng.int(3) === 0 ? mutate(gz, rng) : gz);
  }
  const label = `case ${c} (${source})`;
  let outcome: 'ok' | 'bad' = 'ok';
  try {
    if (gzipped) await withinLimit(label, () => extractTarGz(source, dest, { maxUncompressedBytes: 256 * 1024 }));
    else {
      const entries: TarEntry[] = withinLimitSync(label, () => readTar(tar, source));
      await withinLimit(label, () => extractTarEntries(entries, dest, { source }));
    }
    expectLinksInside(dest, destBefore, label);
  } catch (err) {
    if ((err as Error).name === 'AssertionError') throw err;
    expectCleanError(err, source, label);
    expect(snapshotTree(dest), `${label}: destination changed by a failed extraction`).toEqual(destBefore);
    outcome = 'bad';
  }
  expect(snapshotTree(path.join(box, 'outside')), `${label}: wrote outside`).toEqual(outsideBefore);
  if (gzipped) rmSync(source);
  const left = readdirSync(box).filter((n) => n !== 'dest' && n !== 'outside');
  expect(left, `${label}: left behind beside the destination`).toEqual([]);
  return outcome;
}

describe(`tar fuzz (${CASES} cases, seeded)`, () => {
  it('malformed and hostile archives, plain and gzipped: extract inside, or fail naming the archive with dest untouched', async () => {
    const rng = createRng(17_003);
    const box = path.join(tmp, 'box');
    mkdirSync(path.join(box, 'outside'), { recursive: true });
    writeFileSync(path.join(box, 'outside', 'secret'), 'do not touch');
    const counts = { ok: 0, bad: 0 };
    for (let c = 0; c < CASES; c++) counts[await runCase(rng, box, c)]++;
    // the parent of the sandbox holds nothing but the sandbox
    expect(readdirSync(tmp)).toEqual(['box']);
    expect(counts.ok).toBeGreaterThan(CASES / 20);
    expect(counts.bad).toBeGreaterThan(CASES / 20);
  });
});
