import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Plan } from './extract-plan.js';
import { quoteName, TarError } from './tar.js';

/** A fresh, empty directory beside `target` (same file system, so renames out of it are atomic). */
export async function makeStagingDir(target: string, source: string): Promise<string> {
  const dir = path.join(path.dirname(target), `.${path.basename(target)}.extract-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.mkdir(dir);
  } catch (err) {
    throw new TarError(source, undefined, `cannot create a staging directory beside ${target}: ${describe(err)}`);
  }
  return dir;
}

/**
 * Writes the plan below the (empty, private) staging directory. Nothing existed there before, and
 * the plan never puts a member beneath one of its links, so nothing is written through a link.
 */
export async function writePlan(plan: Plan, staging: string, source: string): Promise<void> {
  for (const [rel, node] of plan) {
    const p = path.join(staging, rel);
    try {
      if (node.kind === 'directory') await fsp.mkdir(p);
      else if (node.kind === 'file') await fsp.writeFile(p, node.data, { flag: 'wx' });
      else await fsp.symlink(node.target, p);
    } catch (err) {
      throw new TarError(source, node.entry?.offset, `cannot write ${quoteName(node.entry?.name ?? rel)}: ${describe(err)}`);
    }
  }
}

/**
 * Moves everything from `from` into the existing directory `to`: a path missing from `to` moves
 * whole, directories present in both merge, files and links replace what is there (rename).
 */
export async function moveInto(from: string, to: string): Promise<void> {
  for (const name of await fsp.readdir(from)) {
    const src = path.join(from, name);
    const dst = path.join(to, name);
    const there = await fsp.lstat(dst).catch(() => undefined);
    if (there?.isDirectory() && (await fsp.lstat(src)).isDirectory()) await moveInto(src, dst);
    else await fsp.rename(src, dst);
  }
}

/** An fs error in a few words: its code and system call, without the (staging) path. */
function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code} (${e.syscall ?? 'file system'})` : String(e?.message ?? e);
}
