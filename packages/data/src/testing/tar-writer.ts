// Test helper (not exported): writes small ustar archives, including deliberately malicious ones.
import { gzipSync } from 'node:zlib';

export interface TarSpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'hardlink';
  data?: Uint8Array | string;
  linkName?: string;
}

function putString(h: Uint8Array, at: number, len: number, s: string): void {
  const b = new TextEncoder().encode(s);
  if (b.length > len) throw new Error(`tar-writer: ${JSON.stringify(s)} longer than ${len} bytes`);
  h.set(b, at);
}

function putOctal(h: Uint8Array, at: number, len: number, v: number): void {
  putString(h, at, len, v.toString(8).padStart(len - 1, '0'));
}

/** Recomputes the checksum of the header at `at` (after a test changed one of its fields). */
export function fixChecksum(tar: Uint8Array, at = 0): void {
  tar.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + 512; i++) sum += tar[i];
  tar.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), at + 148);
}

function header(name: string, flag: string, size: number, linkName = ''): Uint8Array {
  const h = new Uint8Array(512);
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, flag === '5' ? 0o755 : 0o644);
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, 0);
  h[156] = flag.charCodeAt(0);
  putString(h, 157, 100, linkName);
  putString(h, 257, 6, 'ustar');
  putString(h, 263, 2, '00');
  fixChecksum(h);
  return h;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

/** An uncompressed ustar archive; names longer than 100 bytes get a pax `path` record. */
export function makeTar(entries: readonly TarSpec[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? new TextEncoder().encode(e.data) : (e.data ?? new Uint8Array(0));
    const flag = { file: '0', directory: '5', symlink: '2', hardlink: '1' }[e.type ?? 'file'];
    let name = e.name;
    if (new TextEncoder().encode(name).length > 100) {
      const rec = ` path=${name}\n`;
      let len = rec.length + 2;
      while (`${len}${rec}`.length !== len) len++;
      const pax = new TextEncoder().encode(`${len}${rec}`);
      parts.push(header('PaxHeader', 'x', pax.length), padded(pax));
      name = name.slice(-99);
    }
    parts.push(header(name, flag, flag === '0' ? data.length : 0, e.linkName ?? ''));
    if (flag === '0') parts.push(padded(data));
  }
  parts.push(new Uint8Array(1024));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function makeTarGz(entries: readonly TarSpec[]): Uint8Array {
  return new Uint8Array(gzipSync(makeTar(entries)));
}
