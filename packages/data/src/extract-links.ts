import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Plan } from './extract-plan.js';
import { quoteName, TarError } from './tar.js';

/** The same bound as Linux's ELOOP limit. */
const MAX_HOPS = 40;

/** What the destination holds at a path, without following a link there. */
export type DestKind = 'absent' | 'directory' | 'symlink' | 'other';

export async function destKind(realRoot: string | undefined, rel: string): Promise<DestKind> {
  if (realRoot === undefined) return 'absent';
  try {
    const st = await fsp.lstat(path.join(realRoot, rel));
    return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'absent';
  }
}

/**
 * Resolves every symlink of the plan the way the OS will once extraction is done: component by
 * component, following the archive's own links (at most 40 hops), and, for paths the archive does
 * not contain, looking at the destination without following its links. A link that resolves
 * outside the destination, loops, or passes through a link already in the destination is refused.
 * Past a path that will not exist the rest is checked as text (`..` still counts).
 */
export async function checkSymlinks(plan: Plan, realRoot: string | undefined, source: string): Promise<void> {
  for (const [rel, node] of plan) {
    if (node.kind !== 'symlink') continue;
    const why = await whyUnsafe(plan, realRoot, rel, node.target);
    if (why) {
      throw new TarError(source, node.entry.offset, `refusing symlink ${quoteName(node.entry.name)} -> ${quoteName(node.target)}: ${why}`);
    }
  }
}

async function whyUnsafe(plan: Plan, realRoot: string | undefined, rel: string, target: string): Promise<string | undefined> {
  const stack = rel.split('/').slice(0, -1); // the link's directory: a real directory (see planExtraction)
  let queue = target.split('/');
  let hops = 0;
  let asText = false;
  for (let i = 0; i < queue.length; i++) {
    const part = queue[i];
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return 'it resolves outside the target';
      stack.pop();
      continue;
    }
    stack.push(part);
    if (asText) continue;
    const here = stack.join('/');
    const node = plan.get(here);
    if (node?.kind === 'symlink') {
      if (++hops > MAX_HOPS) return `more than ${MAX_HOPS} levels of symbolic links (a loop?)`;
      stack.pop();
      queue = [...node.target.split('/'), ...queue.slice(i + 1)];
      i = -1;
    } else if (node?.kind === 'file') {
      asText = true;
    } else if (node === undefined) {
      const kind = await destKind(realRoot, here);
      if (kind === 'symlink') return `it goes through ${quoteName(here)}, a symbolic link already in the destination`;
      if (kind !== 'directory') asText = true;
    }
  }
  return undefined;
}
