import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const example = resolve(import.meta.dirname, '..');
const sample = join(example, 'sample', 'cifar-10-batches-bin');
const real = resolve(example, '../../../shared/data/cifar-10-batches-bin');
const RECORD = 3073;

function labelHistogram(file: string): number[] {
  const bytes = readFileSync(file);
  expect(bytes.length % RECORD).toBe(0);
  const hist = new Array(10).fill(0);
  for (let r = 0; r < bytes.length / RECORD; r++) hist[bytes[r * RECORD]]++;
  return hist;
}

describe('committed CIFAR-10 sample', () => {
  it('is small, in the official binary layout, and class-balanced', () => {
    const files = ['data_batch_1.bin', 'test_batch.bin', 'batches.meta.txt'];
    const sizes = files.map((f) => statSync(join(sample, f)).size);
    for (const s of sizes) expect(s).toBeLessThan(6e6);
    expect(sizes.reduce((a, b) => a + b)).toBeLessThanOrEqual(5e6);
    const train = labelHistogram(join(sample, 'data_batch_1.bin'));
    const test = labelHistogram(join(sample, 'test_batch.bin'));
    expect(new Set(train).size).toBe(1);
    expect(new Set(test).size).toBe(1);
    expect(train[0]).toBeGreaterThanOrEqual(100);
    expect(readFileSync(join(sample, 'batches.meta.txt'), 'utf8').split('\n').filter(Boolean)).toHaveLength(10);
  });

  it.skipIf(!existsSync(real))(`is reproduced byte for byte by scripts/make-sample.mjs from ${real}`, () => {
    const out = mkdtempSync(join(tmpdir(), 'cifar-sample-'));
    try {
      const train = statSync(join(sample, 'data_batch_1.bin')).size / RECORD;
      const test = statSync(join(sample, 'test_batch.bin')).size / RECORD;
      execFileSync(process.execPath, ['scripts/make-sample.mjs', '--train', String(train), '--test', String(test), '--out', out], {
        cwd: example,
      });
      for (const f of ['data_batch_1.bin', 'test_batch.bin', 'batches.meta.txt']) {
        expect(readFileSync(join(out, f)).equals(readFileSync(join(sample, f))), f).toBe(true);
      }
      // The script refuses sizes that cannot be class-balanced.
      expect(() =>
        execFileSync(process.execPath, ['scripts/make-sample.mjs', '--train', '15', '--out', out], { cwd: example, stdio: 'pipe' }),
      ).toThrow(/multiple of 10/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
