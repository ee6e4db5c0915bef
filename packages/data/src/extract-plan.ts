import { quoteName, safeMemberPath, TarError, type TarEntry } from './tar.js';

/** Longest path (and symlink target) a file system takes, in bytes; longer is refused early. */
const PATH_MAX = 4095;
const encoder = new TextEncoder();
const byteLength = (s: string) => encoder.encode(s).length;

/** What one clean relative path becomes once the whole archive has been applied. */
export type PlanNode =
  | { kind: 'directory'; entry?: TarEntry }
  | { kind: 'file'; entry: TarEntry; data: Uint8Array }
  | { kind: 'symlink'; entry: TarEntry; target: string };

/** Relative path → final node, every parent before its children (Map insertion order). */
export type Plan = Map<string, PlanNode>;

export interface PlanOptions {
  source: string;
  filter?: (memberPath: string, entry: TarEntry) => boolean;
}

/**
 * Applies the archive's members, in order, to an in-memory tree and returns the final tree.
 * Nothing touches the disk, so the archive's own symlinks can never redirect a later member.
 * Refuses (with a {@link TarError} naming the member) escaping paths, a member beneath a file or
 * a symlink of the archive, a directory replacing a file or the reverse, absolute symlink
 * targets, and hard links that do not name an earlier file member.
 */
export function planExtraction(entries: readonly TarEntry[], options: PlanOptions): Plan {
  const { source } = options;
  const plan: Plan = new Map();
  // Every file member seen so far, filtered or not: what a hard link may copy.
  const filesSoFar = new Map<string, Uint8Array>();
  for (const entry of entries) {
    const rel = safeMemberPath(entry.name, source, entry.offset);
    if (rel === '') continue;
    if (byteLength(rel) > PATH_MAX) {
      throw new TarError(source, entry.offset, `member path ${quoteName(entry.name)} is longer than ${PATH_MAX} bytes`);
    }
    if (options.filter && !options.filter(rel, entry)) {
      remember(entry, rel, filesSoFar);
      continue;
    }
    const node = nodeFor(entry, rel, filesSoFar, source);
    if (node.kind === 'file') filesSoFar.set(rel, node.data);
    else filesSoFar.delete(rel);
    addParents(plan, rel, entry, source);
    place(plan, rel, node, source);
  }
  return plan;
}

/** A member left out by the filter still counts as a hard link's source (and is never checked). */
function remember(entry: TarEntry, rel: string, filesSoFar: Map<string, Uint8Array>): void {
  let data: Uint8Array | undefined;
  if (entry.type === 'file') data = entry.data;
  else if (entry.type === 'hardlink') {
    try {
      data = filesSoFar.get(safeMemberPath(entry.linkName ?? ''));
    } catch {
      data = undefined; // an escaping link name: nothing to copy, and nothing extracted
    }
  }
  if (data === undefined) filesSoFar.delete(rel);
  else filesSoFar.set(rel, data);
}

function nodeFor(entry: TarEntry, rel: string, filesSoFar: ReadonlyMap<string, Uint8Array>, source: string): PlanNode {
  const name = quoteName(entry.name);
  switch (entry.type) {
    case 'directory':
      return { kind: 'directory', entry };
    case 'file':
      return { kind: 'file', entry, data: entry.data };
    case 'hardlink': {
      const from = safeMemberPath(entry.linkName ?? '', source, entry.offset);
      const data = filesSoFar.get(from);
      if (data === undefined || from === rel) {
        throw new TarError(source, entry.offset, `hard link ${name} -> ${quoteName(entry.linkName ?? '')}: no earlier file member of that name`);
      }
      return { kind: 'file', entry, data };
    }
    case 'symlink': {
      const target = entry.linkName ?? '';
      if (target === '' || target.includes('\0') || byteLength(target) > PATH_MAX) {
        throw new TarError(source, entry.offset, `symlink ${name} has an empty, over-long or invalid target ${quoteName(target)}`);
      }
      if (target.startsWith('/') || /^[A-Za-z]:/.test(target) || target.includes('\\')) {
        throw new TarError(source, entry.offset, `refusing symlink ${name} -> ${quoteName(target)} pointing outside the target (absolute)`);
      }
      return { kind: 'symlink', entry, target };
    }
    default:
      throw new TarError(source, entry.offset, `unsupported member type ${JSON.stringify(entry.type)} for ${name}`);
  }
}

/** Makes every parent of `rel` a directory of the plan; a parent that is a file or a link is an error. */
function addParents(plan: Plan, rel: string, entry: TarEntry, source: string): void {
  const parts = rel.split('/');
  let parent = '';
  for (let i = 0; i < parts.length - 1; i++) {
    parent = i === 0 ? parts[0] : `${parent}/${parts[i]}`;
    const node = plan.get(parent);
    if (node === undefined) plan.set(parent, { kind: 'directory' });
    else if (node.kind === 'symlink') {
      throw new TarError(
        source,
        entry.offset,
        `refusing ${quoteName(entry.name)}: it lies beneath the symbolic link ${quoteName(parent)} (an earlier member); extraction never goes through links`,
      );
    } else if (node.kind === 'file') {
      throw new TarError(source, entry.offset, `refusing ${quoteName(entry.name)}: its parent ${quoteName(parent)} is a file (an earlier member)`);
    }
  }
}

/** Puts `node` at `rel`: directories merge, files and links replace files and links. */
function place(plan: Plan, rel: string, node: PlanNode, source: string): void {
  const before = plan.get(rel);
  if (before === undefined) {
    plan.set(rel, node);
    return;
  }
  if (node.kind === 'directory' && before.kind === 'directory') return;
  if ((node.kind === 'directory') !== (before.kind === 'directory')) {
    const entry = node.entry ?? before.entry;
    throw new TarError(
      source,
      entry?.offset,
      `member ${quoteName(entry?.name ?? rel)} is a ${node.kind} but an earlier member made ${quoteName(rel)} a ${before.kind}`,
    );
  }
  plan.set(rel, node); // later members win, as with tar(1)
}
