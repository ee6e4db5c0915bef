import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { imageAt, parseImageSet } from './image-set.js';

const file = fileURLToPath(new URL('../public/data/cifar10-test-300.bin', import.meta.url));
const sample = fileURLToPath(new URL('../../cifar/sample/cifar-10-batches-bin/test_batch.bin', import.meta.url));

describe('parseImageSet on the committed test images', () => {
  const bytes = new Uint8Array(readFileSync(file));

  it('reads 300 class-balanced 32×32 images', () => {
    const set = parseImageSet(bytes, 'cifar10-test-300.bin');
    expect(set).toMatchObject({ count: 300, height: 32, width: 32 });
    const perClass = new Array(10).fill(0);
    for (const label of set.labels) perClass[label] += 1;
    expect(perClass).toEqual(new Array(10).fill(30));
  });

  it('holds the sample records, transposed from planes to HWC (first record of the sample)', () => {
    const set = parseImageSet(bytes, 'cifar10-test-300.bin');
    const record = readFileSync(sample).subarray(0, 3073);
    expect(set.labels[0]).toBe(record[0]);
    const first = imageAt(set, 0).image;
    for (const p of [0, 1, 511, 1023]) {
      expect([first[p * 3], first[p * 3 + 1], first[p * 3 + 2]]).toEqual([record[1 + p], record[1 + 1024 + p], record[1 + 2048 + p]]);
    }
  });

  it('names the file and the expected size when it is truncated', () => {
    expect(() => parseImageSet(bytes.subarray(0, bytes.length - 5), 'data/x.bin')).toThrow(
      'data/x.bin: 921907 bytes, expected 921912 for 300 images of 32×32×3',
    );
  });

  it('refuses a file that is not an image set, and a short one', () => {
    expect(() => parseImageSet(new TextEncoder().encode('<!doctype html> not found'), 'data/x.bin')).toThrow(
      'data/x.bin: not an image-set file (starts with "<!do", expected "CIMG")',
    );
    expect(() => parseImageSet(new Uint8Array(3), 'data/x.bin')).toThrow('too short');
  });

  it('imageAt refuses an index outside the set', () => {
    const set = parseImageSet(bytes, 'x');
    expect(() => imageAt(set, 300)).toThrow('image index must be an integer from 0 to 299, got 300');
  });
});
