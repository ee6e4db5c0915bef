#!/usr/bin/env node
// Cuts a small, class-balanced CIFAR-10 sample in the official binary layout from the real data set
// at `<repo>/../shared/data/cifar-10-batches-bin` (or --from DIR), for the offline default job.
//
//   node scripts/make-sample.mjs [--train 1200] [--test 400] [--from DIR] [--out DIR]
//
// Each record is 1 label byte + 3072 pixel bytes (R plane, G plane, B plane, 32×32 each). Records are
// taken in file order, the first `n/10` of each class, so the sample is deterministic and a record's
// bytes are copied unchanged. Files are written atomically (temp + rename).
import { existsSync, readFileSync, renameSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const RECORD = 3073;
const CLASSES = 10;
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

const { values } = parseArgs({
  options: {
    train: { type: 'string', default: '1200' },
    test: { type: 'string', default: '400' },
    from: { type: 'string', default: join(repo, '..', 'shared', 'data', 'cifar-10-batches-bin') },
    out: { type: 'string', default: join(here, '..', 'sample', 'cifar-10-batches-bin') },
  },
});

function count(name) {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n <= 0 || n % CLASSES !== 0) {
    throw new Error(`--${name} must be a positive multiple of ${CLASSES} (class-balanced), got "${values[name]}"`);
  }
  return n;
}

/** The first `n / 10` records of each class, in file order. */
function cut(file, n) {
  if (!existsSync(file)) throw new Error(`${file} not found: pass --from DIR with the CIFAR-10 binary batches`);
  const bytes = readFileSync(file);
  if (bytes.length % RECORD !== 0) throw new Error(`${file}: ${bytes.length} bytes is not a multiple of ${RECORD}`);
  const perClass = n / CLASSES;
  const taken = new Array(CLASSES).fill(0);
  const out = Buffer.alloc(n * RECORD);
  let written = 0;
  for (let r = 0; r < bytes.length / RECORD && written < n; r++) {
    const label = bytes[r * RECORD];
    if (label >= CLASSES) throw new Error(`${file}: record ${r} has label ${label}, expected 0..9`);
    if (taken[label] >= perClass) continue;
    taken[label]++;
    bytes.copy(out, written * RECORD, r * RECORD, (r + 1) * RECORD);
    written++;
  }
  if (written < n) throw new Error(`${file}: only ${written} records could be taken class-balanced, asked for ${n}`);
  return out;
}

function writeAtomic(path, data) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

const from = resolve(values.from);
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
const nTrain = count('train');
const nTest = count('test');
writeAtomic(join(out, 'data_batch_1.bin'), cut(join(from, 'data_batch_1.bin'), nTrain));
writeAtomic(join(out, 'test_batch.bin'), cut(join(from, 'test_batch.bin'), nTest));
writeAtomic(join(out, 'batches.meta.txt'), readFileSync(join(from, 'batches.meta.txt')));
console.log(`wrote ${nTrain} train + ${nTest} test records (class-balanced) to ${out}`);
