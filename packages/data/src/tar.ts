import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { writeFileAtomic } from './atomic-write.js';

const gunzip = promisify(zlib.gunzip);
const BLOCK = 512;

/** One member of a tar archive. `data` is a view into the archive's bytes. */
export interface TarEntry {
  /** Path inside the archive as written (ustar prefix + name, or the pax / GNU long name). */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink';
  /** Size of `data` in bytes (0 for everything but files). */
  size: number;
  /** Permission bits from the header. */
  mode: number;
  /** Link target, for symlinks and hard links. */
  linkName?: string;
  data: Uint8Array;
}

/** Error in an archive: names the archive, the byte offset and what is wrong. */
export class TarError extends Error {
  constructor(
    readonly source: string,
    readonly offset: number,
    message: string,
  ) {
    super(`${source}: ${message} (at byte ${offset})`);
    this.name = 'TarError';
  }
}

const utf8 = new TextDecoder('utf-8');

function cString(buf: Uint8Array, start: number, length: number): string {
  let end = start;
  const stop = start + length;
  while (end < stop && buf[end] !== 0) end++;
  return utf8.decode(buf.subarray(start, end));
}

/** Parses a numeric header field: octal text (NUL/space padded) or GNU base-256. */
function numberField(
  buf: Uint8Array,
  start: number,
  length: number,
  field: string,
  src: string,
  offset: number,
): number {
  if (buf[start] & 0x80) {
    // GNU base-256: big-endian two's complement; we only accept non-negative values.
    if (buf[start] & 0x40) throw new TarError(src, offset, `negative ${field} in header`);
    let v = buf[start] & 0x3f;
    for (let i = 1; i < length; i++) v = v * 256 + buf[start + i];
    if (!Number.isSafeInteger(v)) throw new TarError(src, offset, `${field} too large`);
    return v;
  }
  const text = cString(buf, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new TarError(src, offset, `${field} field is not octal: ${JSON.stringify(text)}`);
  }
  return parseInt(text, 8);
}

function isZeroBlock(buf: Uint8Array, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Parses pax extended-header records `"<len> <key>=<value>\n"`. */
function parsePax(data: Uint8Array, src: string, offset: number): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    if (data[i] === 0) break; // trailing padding
    let j = i;
    while (j < data.length && data[j] !== 0x20) j++;
    const len = Number(utf8.decode(data.subarray(i, j)));
    if (!Number.isInteger(len) || len <= j - i || i + len > data.length) {
      throw new TarError(src, offset, 'malformed pax extended header record');
    }
    const record = utf8.decode(data.subarray(j + 1, i + len - 1));
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarError(src, offset, 'malformed pax extended header record');
    out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

/**
 * Reads every member of an uncompressed ustar archive (POSIX ustar, GNU and pax extensions for
 * long names and sizes). Validates header checksums, numeric fields and that no member runs past
 * the end; throws a {@link TarError} naming `source` otherwise. Device files and FIFOs are refused.
 */
export function readTar(tar: Uint8Array, source = 'tar archive'): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Map<string, string> | undefined;
  let sawEnd = false;
  while (pos + BLOCK <= tar.length) {
    if (isZeroBlock(tar, pos)) {
      sawEnd = true;
      break;
    }
    const at = pos;
    const stored = numberField(tar, at + 148, 8, 'checksum', source, at);
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) {
      const b = i >= 148 && i < 156 ? 0x20 : tar[at + i];
      unsigned += b;
      signed += b > 127 ? b - 256 : b;
    }
    if (stored !== unsigned && stored !== signed) {
      throw new TarError(source, at, `header checksum mismatch (stored ${stored}, computed ${unsigned})`);
    }
    const magic = cString(tar, at + 257, 6);
    if (magic !== 'ustar' && magic !== 'ustar ') {
      throw new TarError(source, at, `not a ustar header (magic ${JSON.stringify(magic)})`);
    }
    const flag = String.fromCharCode(tar[at + 156]);
    let size = numberField(tar, at + 124, 12, 'size', source, at);
    const mode = numberField(tar, at + 100, 8, 'mode', source, at);
    if (pax?.has('size')) {
      const s = Number(pax.get('size'));
      if (!Number.isSafeInteger(s) || s < 0) throw new TarError(source, at, 'bad pax size');
      size = s;
    }
    const dataStart = at + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > tar.length) {
      throw new TarError(
        source,
        at,
        `member claims ${size} bytes but the archive ends ${tar.length - dataStart} bytes later (truncated?)`,
      );
    }
    const data = tar.subarray(dataStart, dataEnd);
    pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (flag === 'x') {
      pax = parsePax(data, source, at);
      continue;
    }
    if (flag === 'g') continue; // global pax header: nothing we use
    if (flag === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (flag === 'K') {
      longLink = cString(data, 0, data.length);
      continue;
    }
    const prefix = cString(tar, at + 345, 155);
    const baseName = cString(tar, at + 0, 100);
    let name = pax?.get('path') ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    const linkName = pax?.get('linkpath') ?? longLink ?? cString(tar, at + 157, 100);
    pax = undefined;
    longName = undefined;
    longLink = undefined;
    if (name.includes('\0') || name === '') {
      throw new TarError(source, at, `invalid member name ${JSON.stringify(name)}`);
    }
    let type: TarEntry['type'];
    switch (flag) {
      case '0':
      case '\0':
      case '7':
        type = 'file';
        break;
      case '5':
        type = 'directory';
        break;
      case '2':
        type = 'symlink';
        break;
      case '1':
        type = 'hardlink';
        break;
      default:
        throw new TarError(source, at, `unsupported member type '${flag}' for ${JSON.stringify(name)}`);
    }
    if (type === 'file' && name.endsWith('/')) name = name.slice(0, -1);
    entries.push({
      name,
      type,
      size: type === 'file' ? size : 0,
      mode,
      ...(type === 'symlink' || type === 'hardlink' ? { linkName } : {}),
      data: type === 'file' ? data : data.subarray(0, 0),
    });
  }
  if (!sawEnd && pos !== tar.length) {
    throw new TarError(source, pos, `archive ends in the middle of a header (${tar.length - pos} stray bytes)`);
  }
  return entries;
}

/**
 * Normalises a member path and refuses anything that could land outside the target directory:
 * absolute paths, drive letters, backslashes, `..` segments. Returns the clean relative path
 * (`''` for the archive root).
 */
export function safeMemberPath(name: string, source = 'tar archive'): string {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\')) {
    throw new TarError(source, 0, `refusing absolute or non-portable member path ${JSON.stringify(name)}`);
  }
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new TarError(source, 0, `refusing member path that escapes the target: ${JSON.stringify(name)}`);
    }
    parts.push(part);
  }
  return parts.join('/');
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface ExtractOptions {
  /** Name used in error messages (the archive's path). */
  source?: string;
  /** Extract only members for which this returns true (given the cleaned relative path). */
  filter?: (memberPath: string, entry: TarEntry) => boolean;
}

/**
 * Extracts `entries` below `dest` safely: every path is checked with {@link safeMemberPath};
 * symlinks and hard links must point inside `dest`; each file's real parent directory is checked
 * to be inside `dest` (so an earlier link cannot redirect a later file); files are written
 * atomically. Returns the absolute paths of the files written.
 *
 * All members are validated before anything is written, so a bad archive leaves `dest` untouched.
 */
export async function extractTarEntries(
  entries: readonly TarEntry[],
  dest: string,
  options: ExtractOptions = {},
): Promise<string[]> {
  const source = options.source ?? 'tar archive';
  const root = path.resolve(dest);
  const plan: { rel: string; entry: TarEntry }[] = [];
  for (const entry of entries) {
    const rel = safeMemberPath(entry.name, source);
    if (rel === '') continue;
    if (options.filter && !options.filter(rel, entry)) continue;
    if (entry.type === 'symlink') {
      const target = entry.linkName ?? '';
      const resolved = path.resolve(path.dirname(path.join(root, rel)), target);
      if (path.isAbsolute(target) || !isInside(root, resolved)) {
        throw new TarError(source, 0, `refusing symlink ${JSON.stringify(entry.name)} -> ${JSON.stringify(target)} pointing outside the target`);
      }
    } else if (entry.type === 'hardlink') {
      safeMemberPath(entry.linkName ?? '', source); // throws when escaping
    }
    plan.push({ rel, entry });
  }
  await fsp.mkdir(root, { recursive: true });
  const realRoot = await fsp.realpath(root);
  const written: string[] = [];
  for (const { rel, entry } of plan) {
    const target = path.join(root, rel);
    if (entry.type === 'directory') {
      await fsp.mkdir(target, { recursive: true });
      continue;
    }
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const realParent = await fsp.realpath(path.dirname(target));
    if (!isInside(realRoot, realParent)) {
      throw new TarError(source, 0, `refusing ${JSON.stringify(entry.name)}: its directory resolves outside the target`);
    }
    if (entry.type === 'file') {
      await writeFileAtomic(target, entry.data);
      written.push(target);
    } else if (entry.type === 'symlink') {
      await fsp.rm(target, { force: true });
      await fsp.symlink(entry.linkName ?? '', target);
    } else {
      const from = path.join(root, safeMemberPath(entry.linkName ?? '', source));
      const realFrom = await fsp.realpath(from).catch(() => {
        throw new TarError(source, 0, `hard link ${JSON.stringify(entry.name)} points to missing ${JSON.stringify(entry.linkName)}`);
      });
      if (!isInside(realRoot, realFrom)) {
        throw new TarError(source, 0, `refusing hard link ${JSON.stringify(entry.name)} pointing outside the target`);
      }
      await writeFileAtomic(target, await fsp.readFile(realFrom));
      written.push(target);
    }
  }
  return written;
}

/**
 * Reads a `.tar.gz` (or `.tgz`) file into memory and parses it; errors name the file. The
 * uncompressed size is capped at `maxBytes` (default 2 GiB) so a gzip bomb fails cleanly.
 */
export async function readTarGz(file: string, maxBytes = 2 ** 31): Promise<TarEntry[]> {
  let compressed: Buffer;
  try {
    compressed = await fsp.readFile(file);
  } catch (err) {
    throw new Error(`Cannot read archive ${file}: ${(err as Error).message}`);
  }
  let tar: Buffer;
  try {
    tar = await gunzip(compressed, { maxOutputLength: maxBytes });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`${file}: uncompresses to more than ${maxBytes} bytes (limit)`);
    throw new Error(`${file} is not a valid gzip file: ${e.message}`);
  }
  return readTar(new Uint8Array(tar.buffer, tar.byteOffset, tar.byteLength), file);
}

/** {@link readTarGz} + {@link extractTarEntries}. */
export async function extractTarGz(file: string, dest: string, options: Omit<ExtractOptions, 'source'> = {}): Promise<string[]> {
  return extractTarEntries(await readTarGz(file), dest, { ...options, source: file });
}
