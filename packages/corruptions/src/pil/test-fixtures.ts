// Test-only loader of fixtures-pil/ (written by fixtures-pil/make_fixtures.py); not exported.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { RgbImage } from '../types.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures-pil');

interface Slot {
  offset: number;
  height: number;
  width: number;
}
interface RawCase extends Slot {
  op: string;
  params: Record<string, number>;
  input: string;
}
interface Index {
  pillow: string;
  libjpeg_turbo: string;
  bytes: number;
  images: Record<string, Slot>;
  cases: RawCase[];
}

/** One PIL reference: `op(input, params)` gave `expected`. */
export interface PilCase {
  op: string;
  params: Record<string, number>;
  inputName: string;
  input: RgbImage;
  expected: RgbImage;
}

let cache: { meta: Index; cases: PilCase[] } | undefined;

/** Loads every case of the committed PIL fixtures (once per test file). */
export function loadPilFixtures(): { pillow: string; libjpegTurbo: string; cases: PilCase[] } {
  if (!cache) {
    const meta = JSON.parse(readFileSync(path.join(DIR, 'index.json'), 'utf8')) as Index;
    const data = new Uint8Array(gunzipSync(readFileSync(path.join(DIR, 'data.bin.gz'))));
    if (data.length !== meta.bytes) throw new Error(`fixtures-pil/data.bin.gz: ${data.length} bytes, index says ${meta.bytes}`);
    const slice = (s: Slot): RgbImage => ({
      image: data.slice(s.offset, s.offset + s.height * s.width * 3),
      height: s.height,
      width: s.width,
    });
    const cases = meta.cases.map((c) => ({
      op: c.op,
      params: c.params,
      inputName: c.input,
      input: slice(meta.images[c.input]),
      expected: slice(c),
    }));
    cache = { meta, cases };
  }
  return { pillow: cache.meta.pillow, libjpegTurbo: cache.meta.libjpeg_turbo, cases: cache.cases };
}

/** Counts of exactly equal values and the largest absolute difference between two images. */
export function compareImages(actual: RgbImage, expected: RgbImage): { equal: number; total: number; maxDiff: number } {
  if (actual.height !== expected.height || actual.width !== expected.width) {
    throw new Error(`size ${actual.height}×${actual.width} != expected ${expected.height}×${expected.width}`);
  }
  let equal = 0;
  let maxDiff = 0;
  for (let i = 0; i < expected.image.length; i++) {
    const d = Math.abs(actual.image[i] - expected.image[i]);
    if (d === 0) equal++;
    if (d > maxDiff) maxDiff = d;
  }
  return { equal, total: expected.image.length, maxDiff };
}

/** Aggregates {@link compareImages} over `cases` run through `fn`. */
export function parity(cases: PilCase[], fn: (c: PilCase) => RgbImage): { exact: number; maxDiff: number; values: number } {
  let equal = 0, total = 0, maxDiff = 0;
  for (const c of cases) {
    const r = compareImages(fn(c), c.expected);
    equal += r.equal;
    total += r.total;
    maxDiff = Math.max(maxDiff, r.maxDiff);
  }
  return { exact: equal / total, maxDiff, values: total };
}

/** Whether two byte buffers hold the same bytes (faster than a deep toEqual on typed arrays). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
