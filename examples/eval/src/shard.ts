import { CliError } from '@cnn/example-common';

/** `--shard i/n`: this process evaluates part `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `--shard i/n` (0 ≤ i < n; absent = the whole run, 0/1). */
export function parseShard(text: string | undefined): Shard {
  if (text === undefined) return { index: 0, count: 1 };
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new CliError(`--shard: "${text}" is not i/n (e.g. --shard 3/16: part 3 of 16, counted from 0)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new CliError(`--shard ${text}: the number of shards must be ≥ 1`);
  if (index >= count) throw new CliError(`--shard ${text}: the shard index counts from 0, so it must be below ${count} (0 to ${count - 1})`);
  return { index, count };
}

/** A half-open range `[start, end)`. */
export interface Range {
  start: number;
  end: number;
}

/**
 * The batches of a run over `n` examples in batches of `batchSize`: batch b holds examples
 * `[b·batchSize, min(n, (b+1)·batchSize))`, the same in every process.
 */
export function batchRanges(n: number, batchSize: number): Range[] {
  const ranges: Range[] = [];
  for (let start = 0; start < n; start += batchSize) ranges.push({ start, end: Math.min(n, start + batchSize) });
  return ranges;
}

/**
 * The batches of shard `index` of `count`: a contiguous block of ⌈B/count⌉ whole batches (B =
 * number of batches), the last shards shorter or empty. Whole batches, so that every example is
 * evaluated in the same batch as in a single process (same numbers, bit for bit).
 */
export function shardBatches(n: number, batchSize: number, shard: Shard): Range[] {
  const all = batchRanges(n, batchSize);
  const per = Math.ceil(all.length / shard.count);
  return all.slice(shard.index * per, (shard.index + 1) * per);
}

/** The file stem of a shard's results: `eval` for a single process, `shard-03-of-16` otherwise. */
export function shardStem(shard: Shard): string {
  if (shard.count === 1) return 'eval';
  const w = String(shard.count).length;
  return `shard-${String(shard.index).padStart(w, '0')}-of-${shard.count}`;
}
