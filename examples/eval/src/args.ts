import { resolve } from 'node:path';
import { BACKENDS, CliError, oneOf, parseBoundedNumber, parseCorruptionList, parseFlags, PROGRESS, type BackendFlag, type ProgressFlag } from '@cnn/example-common';
import { parseShard, type Shard } from './shard.js';

export const ATTACKS = ['autoattack', 'apgd', 'pgd', 'fgsm', 'none'] as const;
export const NORMS = ['linf', 'l2'] as const;
export const VERSIONS = ['standard', 'plus', 'rand'] as const;
export const DATASETS = ['cifar10', 'cifar100'] as const;
export const NORMALIZE = ['registry', 'cifar10', 'none'] as const;

export type AttackName = (typeof ATTACKS)[number];
export type NormName = (typeof NORMS)[number];

/** The `cnn-eval` flags (not `merge`): the `node:util` parseArgs specs. */
export const EVAL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  model: { type: 'string' },
  widths: { type: 'string' },
  depths: { type: 'string' },
  'stem-width': { type: 'string' },
  normalize: { type: 'string' },
  weights: { type: 'string' },
  data: { type: 'string' },
  dataset: { type: 'string' },
  attack: { type: 'string' },
  norm: { type: 'string' },
  eps: { type: 'string' },
  version: { type: 'string' },
  steps: { type: 'string' },
  'step-size': { type: 'string' },
  restarts: { type: 'string' },
  queries: { type: 'string' },
  n: { type: 'string' },
  'batch-size': { type: 'string' },
  corruptions: { type: 'string' },
  calibration: { type: 'boolean' },
  shard: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  backend: { type: 'string' },
  progress: { type: 'string' },
} as const;

/**
 * What decides the numbers of a run: a resume must have the same, and merged shards must agree on
 * all of it but `shard`. Plain JSON values only (they are compared and stored as JSON).
 */
export interface EvalSettings {
  dataset: (typeof DATASETS)[number];
  /** Test images evaluated: the first `n` of the test split. */
  n: number;
  /** `null` = the weights file's own model, else a registry name. */
  model: string | null;
  widths: number[] | null;
  depths: number[] | null;
  stemWidth: number | null;
  normalize: (typeof NORMALIZE)[number];
  attack: AttackName;
  norm: NormName;
  eps: number;
  version: (typeof VERSIONS)[number];
  steps: number | null;
  stepSize: number | null;
  restarts: number;
  /** AutoAttack's Square queries (null = its 5000). */
  queries: number | null;
  batchSize: number;
  calibration: boolean;
  corruptions: string[];
  seed: number;
}

/** A resolved `cnn-eval` run. */
export interface EvalConfig {
  help: boolean;
  settings: EvalSettings;
  shard: Shard;
  weights: string;
  dataRoot: string;
  outDir: string;
  resume: boolean;
  backend: BackendFlag;
  progress: ProgressFlag;
}

const s = (values: Record<string, unknown>, k: string) => values[k] as string | undefined;

function intList(text: string | undefined, flag: string): number[] | null {
  if (text === undefined) return null;
  return text.split(',').map((part) => parseBoundedNumber(part, flag, { min: 1, max: 100_000, integer: true }));
}

function optionalInt(text: string | undefined, flag: string, min: number): number | null {
  return text === undefined ? null : parseBoundedNumber(text, flag, { min, integer: true });
}

function required(values: Record<string, unknown>, flag: string, what: string): string {
  const v = s(values, flag);
  if (v === undefined || v.trim() === '') throw new CliError(`--${flag} is required: ${what}`);
  return v;
}

/** Attack knobs that only some attacks have: a flag given to an attack without it is an error. */
function checkAttackKnobs(settings: EvalSettings): void {
  const { attack } = settings;
  if (attack === 'none' && settings.eps !== 0) throw new CliError('--eps needs an attack (--attack is none)');
  if (attack !== 'none' && settings.eps === 0) throw new CliError('--eps must be > 0 for an attack');
  if (settings.steps !== null && !['pgd', 'apgd', 'autoattack'].includes(attack)) throw new CliError(`--steps applies to --attack pgd, apgd or autoattack, not ${attack}`);
  if (settings.stepSize !== null && attack !== 'pgd') throw new CliError(`--step-size applies to --attack pgd, not ${attack}`);
  if (settings.restarts !== 1 && !['pgd', 'apgd'].includes(attack)) throw new CliError(`--restarts applies to --attack pgd or apgd, not ${attack}`);
  if (settings.queries !== null && attack !== 'autoattack') throw new CliError(`--queries sets AutoAttack's Square queries; it needs --attack autoattack`);
  if (attack === 'fgsm' && settings.norm !== 'linf') throw new CliError('--attack fgsm is an ℓ∞ attack: use --norm linf');
}

/** Parses and checks the `cnn-eval` flags (throws {@link CliError}); `cwd` resolves relative paths. */
export function parseEvalArgs(argv: string[], cwd: string): EvalConfig {
  const values = parseFlags(argv, EVAL_OPTIONS);
  if (values.help === true) return { help: true } as EvalConfig;
  const attack = oneOf(s(values, 'attack'), ATTACKS, '--attack') ?? 'none';
  const settings: EvalSettings = {
    dataset: oneOf(s(values, 'dataset'), DATASETS, '--dataset') ?? 'cifar10',
    n: parseBoundedNumber(s(values, 'n') ?? '10000', '--n', { min: 1, integer: true }),
    model: s(values, 'model') ?? null,
    widths: intList(s(values, 'widths'), '--widths'),
    depths: intList(s(values, 'depths'), '--depths'),
    stemWidth: optionalInt(s(values, 'stem-width'), '--stem-width', 1),
    normalize: oneOf(s(values, 'normalize'), NORMALIZE, '--normalize') ?? 'registry',
    attack,
    norm: oneOf(s(values, 'norm'), NORMS, '--norm') ?? 'linf',
    eps: s(values, 'eps') === undefined ? (attack === 'none' ? 0 : 8 / 255) : parseBoundedNumber(s(values, 'eps')!, '--eps', { min: 0, max: 1 }),
    version: oneOf(s(values, 'version'), VERSIONS, '--version') ?? 'standard',
    steps: optionalInt(s(values, 'steps'), '--steps', 1),
    stepSize: s(values, 'step-size') === undefined ? null : parseBoundedNumber(s(values, 'step-size')!, '--step-size', { min: 0, minExclusive: true, max: 1 }),
    restarts: optionalInt(s(values, 'restarts'), '--restarts', 1) ?? 1,
    queries: optionalInt(s(values, 'queries'), '--queries', 1),
    batchSize: parseBoundedNumber(s(values, 'batch-size') ?? '100', '--batch-size', { min: 1, max: 100_000, integer: true }),
    calibration: values.calibration === true,
    corruptions: s(values, 'corruptions') === undefined ? [] : parseCorruptionList(s(values, 'corruptions')!, '--corruptions'),
    seed: parseBoundedNumber(s(values, 'seed') ?? '0', '--seed', { min: 0, max: 2 ** 32 - 1, integer: true }),
  };
  if (settings.model !== null && !/^[a-z0-9_]+$/i.test(settings.model)) throw new CliError(`--model: "${settings.model}" is not a model name`);
  if (s(values, 'version') !== undefined && attack !== 'autoattack') throw new CliError('--version is an AutoAttack setting; it needs --attack autoattack');
  checkAttackKnobs(settings);
  return {
    help: false,
    settings,
    shard: parseShard(s(values, 'shard')),
    weights: resolve(cwd, required(values, 'weights', 'the weights file to evaluate (safetensors)')),
    dataRoot: resolve(cwd, required(values, 'data', 'the folder with cifar-10-batches-bin/ (or the .tar.gz)')),
    outDir: resolve(cwd, s(values, 'out') ?? 'results'),
    resume: values.resume === true,
    backend: oneOf(s(values, 'backend'), BACKENDS, '--backend') ?? 'auto',
    progress: oneOf(s(values, 'progress'), PROGRESS, '--progress') ?? 'auto',
  };
}
