import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { checkDestination, existingRealRoot } from './extract-destination.js';
import { checkSymlinks } from './extract-links.js';
import { planExtraction } from './extract-plan.js';
import { makeStagingDir, moveInto, writePlan } from './extract-staging.js';
import { TarError, type TarEntry } from './tar.js';

export interface ExtractOptions {
  /** Name used in error messages (the archive's path). */
  source?: string;
  /** Extract only members for which this returns true (given the cleaned relative path). */
  filter?: (memberPath: string, entry: TarEntry) => boolean;
}

/**
 * Extracts `entries` below `dest`, all or nothing. Returns the absolute paths of the files written.
 *
 * 1. The whole archive is applied to an in-memory tree first: paths are cleaned by
 *    {@link safeMemberPath}; a member beneath a file or beneath one of the archive's own symlinks,
 *    a directory replacing a file, absolute symlinks, and hard links not naming an earlier file
 *    member are refused. Symlinks are resolved as the OS will resolve them (through the archive's
 *    own links, and the destination's contents without following its links) and must stay inside.
 * 2. The existing destination is checked: nothing is extracted through a link there, and no
 *    directory is swapped for a file or the reverse.
 * 3. Everything is written to a fresh staging directory beside `dest`, then renamed into place
 *    (merged into `dest` when it exists: directories merge, files and links are replaced).
 *
 * So a bad archive, or one the file system refuses (a name too long…), leaves `dest` untouched;
 * only an OS failure during the final renames could leave part of it moved.
 */
export async function extractTarEntries(entries: readonly TarEntry[], dest: string, options: ExtractOptions = {}): Promise<string[]> {
  const source = options.source ?? 'tar archive';
  const root = path.resolve(dest);
  const plan = planExtraction(entries, { source, filter: options.filter });
  const realRoot = await existingRealRoot(root, source);
  await checkSymlinks(plan, realRoot, source);
  if (realRoot !== undefined) await checkDestination(plan, realRoot, source);
  const target = realRoot ?? path.join(await realParent(root, source), path.basename(root));
  const staging = await makeStagingDir(target, source);
  try {
    await writePlan(plan, staging, source);
    await commit(staging, target, realRoot !== undefined, source);
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
  return [...plan].filter(([, node]) => node.kind === 'file').map(([rel]) => path.join(root, rel));
}

/** The real path of `root`'s parent, created when missing. */
async function realParent(root: string, source: string): Promise<string> {
  try {
    await fsp.mkdir(path.dirname(root), { recursive: true });
    return await fsp.realpath(path.dirname(root));
  } catch (err) {
    throw new TarError(source, undefined, `cannot create the destination ${root}: ${(err as Error).message}`);
  }
}

async function commit(staging: string, target: string, exists: boolean, source: string): Promise<void> {
  try {
    if (exists) await moveInto(staging, target);
    else await fsp.rename(staging, target);
  } catch (err) {
    throw new TarError(source, undefined, `moving the extracted files into ${target} failed part-way: ${(err as Error).message}`);
  }
}
