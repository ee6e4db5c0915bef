import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The image files below one class folder, in a fixed order. Every real directory is read at most
 * once, so directory links never loop or count an image twice: real sub-folders are read first,
 * then directory links, and a link to a folder already read (`loop -> .`, a link back to the root,
 * a second link to the same folder) is skipped. A directory link whose real path lies outside both
 * the root and the class folder's own real path is an error naming it. The class folder itself
 * may be a link to anywhere (a subset built from links).
 */
export async function listClassImages(classDir: string, realRoot: string, exts: ReadonlySet<string>): Promise<string[]> {
  const realClass = await fsp.realpath(classDir);
  if (realClass === realRoot) throw new Error(`loadImageFolder: class folder ${classDir} is a link to the root itself`);
  const visited = new Set<string>([realRoot]); // a link back to the root would read every class again
  const links: string[] = [];
  const images: string[] = [];
  const walk = async (dir: string, real: string): Promise<void> => {
    visited.add(real);
    const entries = (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => byCodePoint(a.name, b.name));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!visited.has(path.join(real, e.name))) await walk(full, path.join(real, e.name));
      } else if (e.isSymbolicLink() && (await isDirectory(full))) links.push(full);
      else if (exts.has(path.extname(e.name).toLowerCase())) images.push(full);
    }
  };
  await walk(classDir, realClass);
  for (let i = 0; i < links.length; i++) {
    const real = await fsp.realpath(links[i]).catch(() => undefined);
    if (real === undefined || visited.has(real)) continue;
    if (!isInside(realRoot, real) && !isInside(realClass, real)) {
      throw new Error(
        `loadImageFolder: ${links[i]} is a link to ${real}, outside the root ${realRoot}; ` +
          'links below a class folder must stay inside the root or that class folder (the class folders themselves may point anywhere)',
      );
    }
    await walk(links[i], real);
  }
  return images.sort(byCodePoint);
}

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}
