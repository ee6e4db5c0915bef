#!/usr/bin/env node
// Converts a class-balanced slice of the committed CIFAR-10 test sample
// (examples/cifar/sample/cifar-10-batches-bin/test_batch.bin, official binary layout: 1 label byte +
// R, G, B planes of 32×32) into the compact file the page fetches (format in src/image-set.ts):
//
//   "CIMG" | u32 count | u16 height | u16 width | count label bytes | count × height × width × 3 bytes (HWC)
//
//   node scripts/make-images.mjs [--per-class 30] [--out public/data/cifar10-test-300.bin]
//
// Records are taken in file order, the first `per-class` of each class, so the slice is
// deterministic. Written atomically (temp file + rename).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const CLASSES = 10;
const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(here, '../../cifar/sample/cifar-10-batches-bin/test_batch.bin');

const { values } = parseArgs({
  options: {
    'per-class': { type: 'string', default: '30' },
    out: { type: 'string', default: join(here, '..', 'public', 'data', 'cifar10-test-300.bin') },
  },
});
const perClass = Number(values['per-class']);
if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`--per-class must be a positive integer, got ${values['per-class']}`);

const records = readFileSync(source);
if (records.length % RECORD !== 0) throw new Error(`${source}: ${records.length} bytes is not a multiple of the ${RECORD}-byte record`);

const taken = [];
const perLabel = new Array(CLASSES).fill(0);
for (let offset = 0; offset < records.length; offset += RECORD) {
  const label = records[offset];
  if (perLabel[label] < perClass) {
    perLabel[label] += 1;
    taken.push(offset);
  }
}
if (perLabel.some((n) => n < perClass)) throw new Error(`${source} has fewer than ${perClass} images of some class: ${perLabel.join(', ')}`);

const count = taken.length;
const header = 12;
const out = Buffer.alloc(header + count + count * PLANE * 3);
out.write('CIMG', 0, 'ascii');
out.writeUInt32LE(count, 4);
out.writeUInt16LE(SIDE, 8);
out.writeUInt16LE(SIDE, 10);
taken.forEach((offset, i) => {
  out[header + i] = records[offset];
  const pixels = header + count + i * PLANE * 3;
  for (let p = 0; p < PLANE; p++) {
    for (let c = 0; c < 3; c++) out[pixels + p * 3 + c] = records[offset + 1 + c * PLANE + p];
  }
});
const temp = `${values.out}.tmp-${process.pid}`;
writeFileSync(temp, out);
renameSync(temp, values.out);
console.log(`wrote ${values.out}: ${count} images (${perClass} per class), ${out.length} bytes`);
