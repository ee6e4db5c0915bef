// Seeded fuzzing of the image-folder scan (issue 17): random trees of folders, files and directory
// links (loops, links back to the root, out of it, dangling) either list each image once, inside
// the root or its class folder, or fail with an Error naming the path. Nothing is decoded.
import { createRng, type Rng } from '@cnn/core';
import { mkdirSync, mkdtempSync, promises as fsp, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_EXTENSIONS, loadImageFolder, type ImageFolderDataset } from './image-folder.js';
import { expectCleanError, fuzzCases, pick, withinLimit } from './testing/fuzz.js';

const CASES = fuzzCases(1000); // each builds a tree on disk: slower than the byte parsers
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-folder-fuzz-'));
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

const NAMES = ['a', 'b', 'sub', 'cat', 'x'];
const FILES = ['img.jpg', 'b.PNG', 'c.webp', 'notes.txt', 'noext', 'd.jpeg'];
// relative targets from inside a class folder tree, plus absolute ones filled in per case
const LINKS = ['.', '..', '../..', '../../..', 'a', 'sub', '../dog', '../cat/sub', 'missing', 'img.jpg'];

/** A random tree below `dir`, `depth` levels at most. */
function fillTree(rng: Rng, dir: string, depth: number, elsewhere: string): void {
  mkdirSync(dir, { recursive: true });
  for (let k = 0, n = rng.int(5); k < n; k++) {
    const kind = rng.int(depth > 0 ? 4 : 3);
    const name = kind === 0 ? pick(rng, FILES) : pick(rng, NAMES);
    const p = path.join(dir, name);
    try {
      if (kind === 0) writeFileSync(p, '');
      else if (kind === 1 || kind === 2) symlinkSync(rng.int(6) === 0 ? pick(rng, [elsewhere, path.dirname(elsewhere), '/']) : pick(rng, LINKS), p);
      else fillTree(rng, p, depth - 1, elsewhere);
    } catch {
      // the name is taken: keep what is there
    }
  }
}

/** `root/<class>/…` with 1–3 classes; a class may be a link to a folder outside the root. */
function makeRoot(rng: Rng, box: string): string {
  const root = path.join(box, 'root');
  const elsewhere = path.join(box, 'elsewhere');
  fillTree(rng, elsewhere, 1, elsewhere);
  writeFileSync(path.join(elsewhere, 'far.png'), '');
  mkdirSync(root);
  for (const cls of ['cat', 'dog', 'Zebra'].slice(0, 1 + rng.int(3))) {
    const p = path.join(root, cls);
    if (rng.int(8) === 0) symlinkSync(pick(rng, [elsewhere, '.', '..']), p);
    else {
      fillTree(rng, p, 2, elsewhere);
      if (rng.int(2) === 0) writeFileSync(path.join(p, 'always.jpg'), '');
    }
  }
  return root;
}

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function checkListing(label: string, root: string, ds: ImageFolderDataset): void {
  expect(ds.labels.length, label).toBe(ds.files.length);
  const realRoot = realpathSync(root);
  const seen = new Set<string>();
  ds.files.forEach((f, i) => {
    const cls = path.join(root, ds.classNames[ds.labels[i]]);
    expect(f.startsWith(cls + path.sep), `${label}: ${f} not under ${cls}`).toBe(true);
    expect(DEFAULT_IMAGE_EXTENSIONS, `${label}: ${f}`).toContain(path.extname(f).toLowerCase());
    const real = realpathSync(f);
    expect(isInside(realRoot, real) || isInside(realpathSync(cls), real), `${label}: ${f} read from ${real}`).toBe(true);
    const key = `${ds.labels[i]} ${real}`;
    expect(seen.has(key), `${label}: ${real} counted twice in class ${ds.classNames[ds.labels[i]]}`).toBe(false);
    seen.add(key);
  });
}

describe(`image folder fuzz (${CASES} cases, seeded)`, () => {
  it('random trees with loops and links in and out of the root: each image once, or an error naming the path', async () => {
    const rng = createRng(17_004);
    const counts = { ok: 0, bad: 0 };
    for (let c = 0; c < CASES; c++) {
      const box = path.join(tmp, `c${c}`);
      const root = makeRoot(rng, box);
      const label = `case ${c}`;
      try {
        const ds = await withinLimit(label, () => loadImageFolder({ root, workers: 0 }));
        checkListing(label, root, ds);
        counts.ok++;
      } catch (err) {
        if ((err as Error).name === 'AssertionError') throw err;
        expectCleanError(err, root, label);
        counts.bad++;
      }
      rmSync(box, { recursive: true, force: true });
    }
    expect(counts.ok).toBeGreaterThan(CASES / 10);
    expect(counts.bad).toBeGreaterThan(CASES / 20);
  });
});
