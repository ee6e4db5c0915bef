import { describe, expect, it } from 'vitest';
import { CliError } from '@cnn/example-common';
import { batchRanges, parseShard, shardBatches, shardStem } from './shard.js';

describe('shards', () => {
  it('cover every batch exactly once, in order, as contiguous blocks (all n, batch sizes and shard counts up to 40)', () => {
    let cases = 0;
    for (let n = 1; n <= 40; n++) {
      for (let batchSize = 1; batchSize <= 12; batchSize++) {
        const all = batchRanges(n, batchSize);
        for (let count = 1; count <= 40; count++) {
          const parts = Array.from({ length: count }, (_, index) => shardBatches(n, batchSize, { index, count }));
          expect(parts.flat()).toEqual(all);
          expect(parts.every((p) => p.length <= Math.ceil(all.length / count))).toBe(true);
          cases++;
        }
      }
    }
    expect(cases).toBe(40 * 12 * 40);
  });

  it('batches are the same grid in every process: [b·size, min(n, (b+1)·size))', () => {
    expect(batchRanges(10, 4)).toEqual([{ start: 0, end: 4 }, { start: 4, end: 8 }, { start: 8, end: 10 }]);
    expect(shardBatches(10, 4, { index: 1, count: 2 })).toEqual([{ start: 8, end: 10 }]);
  });

  it('--shard i/n counts from 0 and names its file', () => {
    expect(parseShard(undefined)).toEqual({ index: 0, count: 1 });
    expect(parseShard('3/16')).toEqual({ index: 3, count: 16 });
    expect(shardStem({ index: 3, count: 16 })).toBe('shard-03-of-16');
    expect(shardStem({ index: 0, count: 1 })).toBe('eval');
    expect(() => parseShard('4/4')).toThrow(CliError);
    expect(() => parseShard('1/0')).toThrow('must be ≥ 1');
    expect(() => parseShard('a/b')).toThrow('is not i/n');
  });
});
