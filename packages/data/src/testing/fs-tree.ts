// Test helper (not exported): what a directory tree holds, to compare before and after.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';

/** Every path below `dir`, relative and sorted, never following links. */
export function listAll(dir: string): string[] {
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

/**
 * Every path below `dir` with what it is: `d`, `l -> target`, or `f <md5 of the content>`
 * (`missing` when `dir` does not exist). Equal snapshots mean an untouched tree.
 */
export function snapshotTree(dir: string): string[] {
  if (!existsSync(dir)) return ['missing'];
  return listAll(dir).map((rel) => {
    const p = path.join(dir, rel);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return `${rel} l -> ${readlinkSync(p)}`;
    if (st.isDirectory()) return `${rel} d`;
    return `${rel} f ${createHash('md5').update(readFileSync(p)).digest('hex')}`;
  });
}
