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
  /** Byte offset of the member's header in the archive (set by {@link readTar}; used in errors). */
  offset?: number;
}

/** Error in an archive: names the archive, the byte offset (when known) and what is wrong. */
export class TarError extends Error {
  constructor(
    readonly source: string,
    readonly offset: number | undefined,
    message: string,
  ) {
    super(`${source}: ${message}${offset === undefined ? '' : ` (at byte ${offset})`}`);
    this.name = 'TarError';
  }
}

/** A member name quoted for an error message, shortened when absurdly long. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 120)}…${name.slice(-60)}` : name);
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
      throw new TarError(source, at, `invalid member name ${quoteName(name)}`);
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
        throw new TarError(source, at, `unsupported member type '${flag}' for ${quoteName(name)}`);
    }
    if (type === 'file' && name.endsWith('/')) name = name.slice(0, -1);
    entries.push({
      name,
      type,
      size: type === 'file' ? size : 0,
      mode,
      ...(type === 'symlink' || type === 'hardlink' ? { linkName } : {}),
      data: type === 'file' ? data : data.subarray(0, 0),
      offset: at,
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
export function safeMemberPath(name: string, source = 'tar archive', offset?: number): string {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\')) {
    throw new TarError(source, offset, `refusing absolute or non-portable member path ${quoteName(name)}`);
  }
  if (name.includes('\0')) throw new TarError(source, offset, `refusing member path with a NUL byte: ${quoteName(name)}`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new TarError(source, offset, `refusing member path that escapes the target: ${quoteName(name)}`);
    }
    parts.push(part);
  }
  return parts.join('/');
}
