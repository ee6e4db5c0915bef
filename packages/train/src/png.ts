// Runs anywhere: fflate's zlib stream (pure JS) instead of node:zlib, base64 without Buffer.
import { zlibSync } from 'fflate';

/** CRC-32 (IEEE) table for PNG chunks. */
let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/**
 * Encodes 8-bit pixels as a PNG file (no filtering, zlib-deflated). `pixels`: row-major HWC,
 * floats in `[0, 1]` (clamped, rounded) or a Uint8Array in `[0, 255]`; `channels` 1 (grey),
 * 3 (RGB) or 4 (RGBA).
 */
export function encodePng(pixels: Float32Array | Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`encodePng: width and height must be positive integers, got ${width}×${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new RangeError(`encodePng: channels must be 1, 3 or 4, got ${channels}`);
  if (pixels.length !== width * height * channels) {
    throw new Error(`encodePng: expected ${width}×${height}×${channels} = ${width * height * channels} values, got ${pixels.length}`);
  }
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  const isFloat = pixels instanceof Float32Array;
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    for (let i = 0; i < stride; i++) {
      const v = pixels[y * stride + i];
      raw[y * (stride + 1) + 1 + i] = isFloat ? Math.round(Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v)) * 255) : v;
    }
  }
  const ihdr = new Uint8Array(13);
  const iv = new DataView(ihdr.buffer);
  iv.setUint32(0, width);
  iv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6; // colour type
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  const parts = [signature, chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw, { level: 6 })), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `data:image/png;base64,…` URL of {@link encodePng}'s output. */
export function pngDataUrl(pixels: Float32Array | Uint8Array, width: number, height: number, channels: 1 | 3 | 4): string {
  return `data:image/png;base64,${base64(encodePng(pixels, width, height, channels))}`;
}

/** Base64 of `bytes` (`btoa` over binary strings of bounded length: no argument-count limit). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
