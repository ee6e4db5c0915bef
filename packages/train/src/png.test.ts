import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, pngDataUrl } from './png.js';

/** Minimal PNG reader for the test: checks signature, CRCs via chunk lengths, inflates IDAT. */
function readPng(bytes: Uint8Array): { width: number; height: number; colorType: number; rows: Uint8Array[] } {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Uint8Array[] = [];
  const types: string[] = [];
  while (o < bytes.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    types.push(type);
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') {
      width = new DataView(data.buffer, data.byteOffset).getUint32(0);
      height = new DataView(data.buffer, data.byteOffset).getUint32(4);
      colorType = data[9];
    }
    if (type === 'IDAT') idat.push(data);
    o += 12 + len;
  }
  expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
  const raw = inflateSync(Buffer.concat(idat));
  const channels = colorType === 0 ? 1 : colorType === 2 ? 3 : 4;
  const rows: Uint8Array[] = [];
  for (let y = 0; y < height; y++) {
    const start = y * (width * channels + 1);
    expect(raw[start]).toBe(0);
    rows.push(new Uint8Array(raw.subarray(start + 1, start + 1 + width * channels)));
  }
  return { width, height, colorType, rows };
}

describe('encodePng', () => {
  it('round-trips RGB floats in [0, 1] (clamped, rounded)', () => {
    const px = new Float32Array([0, 0.5, 1, 2, -1, 0.25, 0.1, 0.2, 0.3, 1, 1, 1, 0, 0, 0, 0.999, 0.001, 0.5]);
    const png = readPng(encodePng(px, 3, 2, 3));
    expect([png.width, png.height, png.colorType]).toEqual([3, 2, 2]);
    expect(Array.from(png.rows[0])).toEqual([0, 128, 255, 255, 0, 64, 26, 51, 77]);
    expect(Array.from(png.rows[1])).toEqual([255, 255, 255, 0, 0, 0, 255, 0, 128]);
  });
  it('writes grey and RGBA bytes as given', () => {
    const g = readPng(encodePng(Uint8Array.of(1, 2, 3, 4), 2, 2, 1));
    expect(g.colorType).toBe(0);
    expect(g.rows.map((r) => Array.from(r))).toEqual([[1, 2], [3, 4]]);
    const rgba = readPng(encodePng(Uint8Array.of(9, 8, 7, 6), 1, 1, 4));
    expect(rgba.colorType).toBe(6);
  });
  it('rejects wrong sizes with the expected count', () => {
    expect(() => encodePng(new Float32Array(5), 2, 2, 1)).toThrow(/expected 2×2×1 = 4 values, got 5/);
    expect(() => encodePng(new Float32Array(0), 0, 2, 1)).toThrow(/positive integers/);
  });
  it('makes data URLs', () => {
    expect(pngDataUrl(new Float32Array(3), 1, 1, 3)).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });
});
