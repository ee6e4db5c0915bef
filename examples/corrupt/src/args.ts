import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { CliError, parseBoundedNumber } from '@cnn/example-common';
import { CORRUPTIONS, type CorruptionName } from '@cnn/corruptions';
import { MAX_SEED } from './seeds.js';

export interface CorruptConfig {
  help: boolean;
  data: string;
  out: string;
  dataset: 'cifar10' | 'cifar100';
  corruptions: CorruptionName[];
  severities: number[];
  limit?: number;
  seed: number;
  workers: number;
  progress: boolean;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  data: { type: 'string' },
  out: { type: 'string' },
  dataset: { type: 'string' },
  corruptions: { type: 'string' },
  limit: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  'no-progress': { type: 'boolean' },
} as const;

const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean);

/** Parses and checks the flags (every error names its flag); `sample` is the default `--data`. */
export function parseCorruptArgs(argv: string[], sample: string): CorruptConfig {
  if (argv[0] === '--') argv = argv.slice(1);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const s = (k: string) => values[k] as string | undefined;
  if (values.help) return { help: true } as CorruptConfig;
  if (!s('out')) throw new CliError('--out DIR is required (the folder to write <corruption>.npy and labels.npy into)');
  const dataset = s('dataset') ?? 'cifar10';
  if (dataset !== 'cifar10' && dataset !== 'cifar100') throw new CliError(`--dataset must be cifar10 or cifar100, got "${dataset}"`);
  const names = s('corruptions') === undefined || s('corruptions') === 'all' ? [...CORRUPTIONS] : list(s('corruptions')!);
  const unknown = names.filter((n) => !(CORRUPTIONS as readonly string[]).includes(n));
  if (unknown.length) throw new CliError(`--corruptions: unknown ${unknown.join(', ')} (one of: ${CORRUPTIONS.join(' ')}, or all)`);
  return {
    help: false,
    data: s('data') ?? sample,
    out: s('out')!,
    dataset,
    corruptions: [...new Set(names)] as CorruptionName[],
    severities: [1, 2, 3, 4, 5], // all five: the official layout, which loadCifarC reads
    limit: s('limit') === undefined ? undefined : parseBoundedNumber(s('limit')!, '--limit', { min: 1, integer: true }),
    seed: s('seed') === undefined ? 0 : parseBoundedNumber(s('seed')!, '--seed', { min: 0, max: MAX_SEED, integer: true }),
    workers: s('workers') === undefined ? availableParallelism() : parseBoundedNumber(s('workers')!, '--workers', { min: 1, max: 64, integer: true }),
    progress: !values['no-progress'],
  };
}

export function helpText(): string {
  return `cnn-corrupt — writes CIFAR-10-C / CIFAR-100-C (Hendrycks & Dietterich 2019) from CIFAR test images

Usage: cnn-corrupt --out DIR [--data DIR] [options]

  --out DIR             folder for <corruption>.npy (uint8 [5·N, 32, 32, 3], severity-major) and labels.npy
  --data DIR            CIFAR root (cifar-10-batches-bin/ or the .tar.gz; default: the committed sample)
  --dataset NAME        cifar10 (default) or cifar100
  --corruptions LIST    comma-separated names, or all (default): ${CORRUPTIONS.join(' ')}
  --limit N             only the first N test images (default: all)
  --seed S              seed of the random corruptions (default 0; every image gets its own stream)
  --workers N           worker threads (default: logical CPUs)
  --no-progress         no progress bar
  -h, --help            this text

The files load with loadCifarC({ root: DIR, corruption, severity }) from @cnn/data/node, as the
official CIFAR-10-C does. Corruptions follow make_cifar_c.py (see @cnn/corruptions' README).
`;
}
