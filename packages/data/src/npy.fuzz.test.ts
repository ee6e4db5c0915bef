import { createRng } from '@cnn/core';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy } from './npy-file.js';
import { encodeNpyHeader, parseNpyHeader } from './npy-header.js';
import { concat, expectCleanError, fuzzCases, mutate, pick, withinLimit, withinLimitSync } from './testing/fuzz.js';

// Seeded hostile .npy files: mutations of real ones (numpy's fixtures) and headers assembled from
// random tokens. Every case either reads consistently or fails with a plain Error naming the file.
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/npy');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-npy-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const seeds = [
  ...readdirSync(FIXTURES).filter((f) => f.endsWith('.npy')).map((f) => readFileSync(path.join(FIXTURES, f))),
  readFileSync(path.join(FIXTURES, 'cifar-c', 'labels.npy')),
  concat(encodeNpyHeader('<f8', [3, 1]), new Uint8Array(24)),
];

describe('readNpy fuzz', () => {
  const cases = fuzzCases(1000);
  it(`${cases} mutated numpy files: consistent arrays or clean errors`, async () => {
    const rng = createRng(14);
    let read = 0;
    for (let c = 0; c < cases; c++) {
      const file = path.join(tmp, `m${c % 8}.npy`);
      writeFileSync(file, mutate(pick(rng, seeds), rng));
      const label = `case ${c}`;
      try {
        const { shape, data } = await withinLimit(label, () => readNpy(file));
        expect(data.length, label).toBe(shape.reduce((n, d) => n * d, 1));
        read++;
      } catch (err) {
        expectCleanError(err, file, label);
      }
    }
    expect(read).toBeGreaterThan(0); // some mutations (inside the data) still read
    expect(read).toBeLessThan(cases);
  });

  const tokens = ["{", "}", "(", ")", ",", ":", " ", "'descr'", "'fortran_order'", "'shape'", "'|u1'", "'<i8'", "'>f4'", "'<U3'", 'True', 'False', '0', '3', '65536', '-1', '1e3', 'L', "'", '"', '[', ']', '\\n', 'None', '\u00e9'];
  const parses = fuzzCases(3000);
  it(`${parses} headers from random tokens: a header whose shape and dtype agree, or a clean error`, () => {
    const rng = createRng(16);
    let ok = 0;
    for (let c = 0; c < parses; c++) {
      const good = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }";
      const body = rng.uniform() < 0.5 ? Array.from({ length: 1 + rng.int(30) }, () => pick(rng, tokens)).join('') : good.slice(0, rng.int(good.length)) + pick(rng, tokens) + good.slice(rng.int(good.length));
      const text = `${body}\n`;
      const encoded = new TextEncoder().encode(text); // version 3.0: a UTF-8 header
      const bytes = concat(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 3, 0, ...new Uint8Array(new Uint32Array([encoded.length]).buffer)]), encoded);
      const label = `header ${c}: ${JSON.stringify(body)}`;
      try {
        const h = withinLimitSync(label, () => parseNpyHeader(bytes, 'hdr.npy'));
        expect(h.count, label).toBe(h.shape.reduce((n, d) => n * d, 1));
        ok++;
      } catch (err) {
        expectCleanError(err, 'hdr.npy', label);
      }
    }
    expect(ok).toBeGreaterThan(0); // the generator reaches valid headers too
    expect(ok).toBeLessThan(parses);
  });
});
