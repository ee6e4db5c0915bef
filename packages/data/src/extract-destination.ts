import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { destKind } from './extract-links.js';
import type { Plan } from './extract-plan.js';
import { quoteName, TarError } from './tar.js';

/** The real path of `root` when it exists (undefined when it does not); an error when it is no directory. */
export async function existingRealRoot(root: string, source: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await fsp.realpath(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TarError(source, undefined, `cannot use the destination ${root}: ${(err as Error).message}`);
  }
  if (!(await fsp.stat(real)).isDirectory()) throw new TarError(source, undefined, `the destination ${root} is not a directory`);
  return real;
}

/**
 * Refuses, before anything is written, a plan that would have to write through a link of the
 * existing destination or swap a directory for a file (or the reverse). Files and links already
 * there are replaced; directories merge.
 */
export async function checkDestination(plan: Plan, realRoot: string, source: string): Promise<void> {
  const missing = new Set<string>(); // plan paths absent from the destination: so are their children
  for (const [rel, node] of plan) {
    const slash = rel.lastIndexOf('/');
    if (slash > 0 && missing.has(rel.slice(0, slash))) {
      missing.add(rel);
      continue;
    }
    const kind = await destKind(realRoot, rel);
    const offset = node.entry?.offset;
    if (kind === 'absent') missing.add(rel);
    else if (node.kind === 'directory' && kind === 'symlink') {
      const to = await fsp.readlink(path.join(realRoot, rel)).catch(() => '?');
      throw new TarError(
        source,
        offset,
        `refusing to extract into ${quoteName(rel)}: it is a symbolic link in the destination (to ${quoteName(to)}); extraction never goes through links`,
      );
    } else if (node.kind === 'directory' && kind !== 'directory') {
      throw new TarError(source, offset, `cannot make directory ${quoteName(rel)}: the destination has a file there`);
    } else if (node.kind !== 'directory' && kind === 'directory') {
      throw new TarError(source, offset, `cannot write ${node.kind} ${quoteName(rel)}: the destination has a directory there`);
    }
  }
}
