import { parseArgs } from 'node:util';
import { CliError } from './cli-error.js';
import { parseBoundedNumber } from './parse-number.js';

export const SCHEDULES = ['cosine', 'step', 'onecycle', 'constant'] as const;
export const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;
export const ADV_MODES = ['pgd', 'fgsm-rs'] as const;
export const ATTACK_BN_MODES = ['eval', 'train'] as const;
export const BACKENDS = ['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'] as const;
export const PROGRESS = ['auto', 'bar', 'log', 'none'] as const;

export type ScheduleName = (typeof SCHEDULES)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type AdvMode = (typeof ADV_MODES)[number];
export type BackendFlag = (typeof BACKENDS)[number];
export type ProgressFlag = (typeof PROGRESS)[number];

/**
 * The 19 corruptions of CIFAR-10-C / ImageNet-C, named as CIFAR-10-C's files: a copy of
 * `CORRUPTIONS` of `@cnn/corruptions`, which the CLI front end does not load (about 20 ms); a test
 * keeps the two equal.
 */
export const CORRUPTION_NAMES = [
  'gaussian_noise', 'shot_noise', 'impulse_noise', 'speckle_noise', 'defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur',
  'gaussian_blur', 'snow', 'frost', 'fog', 'spatter', 'brightness', 'contrast', 'saturate', 'elastic_transform', 'pixelate',
  'jpeg_compression',
] as const;

/** AugMix training (`--augmix` and its knobs), defaults applied as google-research/augmix cifar.py's flags. */
export interface AugmixFlags {
  /** Jensen–Shannon consistency loss (`--no-jsd` turns it off). */
  jsd: boolean;
  /** λ of the consistency term (`--jsd-weight`). */
  jsdWeight: number;
  /** `--augmix-severity` (cifar.py's --aug-severity), 1–10. */
  severity: number;
  /** `--augmix-width` (--mixture-width): chains mixed. */
  width: number;
  /** `--augmix-depth` (--mixture-depth): operations per chain, −1 = 1–3 at random. */
  depth: number;
  /** `--augmix-alpha` (--aug-prob-coeff): Dirichlet / Beta parameter. */
  alpha: number;
  /** `--augmix-all-ops` (--all-ops): also the operations that overlap the test corruptions. */
  allOps: boolean;
}

/** `--eval-corruptions` and `--corruption-limit`. */
export interface CorruptionFlags {
  corruptions: string[];
  /** Test images evaluated (default: the example's). */
  limit?: number;
}

/** One `--eval-attack` entry: `pgd-20` (PGD, 20 steps) or `fgsm`. */
export type EvalAttackFlag = { type: 'pgd'; steps: number } | { type: 'fgsm' };

/**
 * The flags every example trainer has, as typed, checked and converted, before defaults are applied.
 * `undefined` means "not given": the defaults depend on other flags (data set, adversarial mode),
 * which each example's `resolveConfig` decides.
 */
export interface CommonArgs {
  help: boolean;
  model?: string;
  /** Stage widths overriding the registry's (small models for tests and quick experiments). */
  widths?: number[];
  /** Blocks per stage overriding the registry's. */
  depths?: number[];
  data?: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  schedule?: ScheduleName;
  /** Epochs of linear LR warm-up. */
  warmup?: number;
  optimizer: OptimizerName;
  momentum?: number;
  weightDecay?: number;
  nesterov: boolean;
  labelSmoothing?: number;
  mixup?: number;
  cutmix?: number;
  adv?: AdvMode;
  /** ℓ∞ radius in [0, 1] pixel units, for adversarial training and the evaluation attacks. */
  eps?: number;
  /** Step size of the training attack in [0, 1] pixel units. */
  stepSize?: number;
  /** PGD steps of the training attack. */
  steps?: number;
  cleanFraction?: number;
  /** BatchNorm mode of the model while the training attack runs (default: eval for pgd, train for fgsm-rs). */
  attackBn?: (typeof ATTACK_BN_MODES)[number];
  /** `--augmix` with its knobs (absent: no AugMix). */
  augmix?: AugmixFlags;
  /** `undefined` = the example's default; `[]` = `none`. */
  evalAttacks?: EvalAttackFlag[];
  /** `--eval-corruptions` (absent: no corruption evaluation). */
  evalCorruptions?: CorruptionFlags;
  attackLimit?: number;
  trainLimit?: number;
  testLimit?: number;
  backend: BackendFlag;
  seed: number;
  out?: string;
  /** `--resume` or `--force-resume`. */
  resume: boolean;
  /** `--force-resume`: continue even with settings that differ from the checkpoint's. */
  forceResume: boolean;
  progress: ProgressFlag;
  checkpointEvery?: number;
}

/** `node:util` parseArgs option specs of the shared flags. `--download` is parsed here, each example decides what it means. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  model: { type: 'string' },
  widths: { type: 'string' },
  depths: { type: 'string' },
  data: { type: 'string' },
  download: { type: 'boolean' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  schedule: { type: 'string' },
  warmup: { type: 'string' },
  optimizer: { type: 'string' },
  momentum: { type: 'string' },
  'weight-decay': { type: 'string' },
  nesterov: { type: 'boolean' },
  'label-smoothing': { type: 'string' },
  mixup: { type: 'string' },
  cutmix: { type: 'string' },
  adv: { type: 'string' },
  eps: { type: 'string' },
  'step-size': { type: 'string' },
  steps: { type: 'string' },
  'clean-fraction': { type: 'string' },
  'attack-bn': { type: 'string' },
  augmix: { type: 'boolean' },
  'jsd-weight': { type: 'string' },
  'no-jsd': { type: 'boolean' },
  'augmix-severity': { type: 'string' },
  'augmix-width': { type: 'string' },
  'augmix-depth': { type: 'string' },
  'augmix-alpha': { type: 'string' },
  'augmix-all-ops': { type: 'boolean' },
  'eval-corruptions': { type: 'string' },
  'corruption-limit': { type: 'string' },
  'eval-attack': { type: 'string' },
  'attack-limit': { type: 'string' },
  'train-limit': { type: 'string' },
  'test-limit': { type: 'string' },
  backend: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  'force-resume': { type: 'boolean' },
  progress: { type: 'string' },
  'checkpoint-every': { type: 'string' },
} as const;

/** An option spec as `node:util` parseArgs takes it. */
export type OptionSpec = { type: 'string' | 'boolean'; short?: string };

/** The parsed flag values: strings for string options, `true` for booleans given. */
export type FlagValues = Record<string, string | boolean | undefined>;

/** A negative number as typed (`-1`, `-.5`, `-8/255`, `-1e-3`), which parseArgs would take for a flag. */
const NEGATIVE_NUMBER = /^-\.?\d/;

/**
 * `--flag -1` → `--flag=-1` for options that take a value, so that a negative number reaches the
 * flag's range check (and is rejected there, naming the rule) instead of being read as a flag.
 */
function joinNegativeValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && i + 1 < argv.length && NEGATIVE_NUMBER.test(argv[i + 1])) {
      out.push(`${arg}=${argv[++i]}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Throws a {@link CliError} naming the first flag given more than once (it would silently take the last value). */
function rejectRepeats(tokens: ReadonlyArray<{ kind: string; name?: string; rawName?: string; value?: string }>): void {
  const seen = new Map<string, string[]>();
  for (const t of tokens) {
    if (t.kind !== 'option' || !t.name) continue;
    const values = seen.get(t.name) ?? [];
    values.push(t.value ?? t.rawName ?? t.name);
    seen.set(t.name, values);
    if (values.length === 2) {
      const shown = values.every((v) => v.startsWith('-')) ? '' : ` (${values.join(' and ')})`;
      throw new CliError(`--${t.name} is given more than once${shown}: give it once`);
    }
  }
}

/**
 * Splits `argv` (without `node` and the script) into flag values with `node:util` parseArgs,
 * strictly: unknown flags, stray arguments, missing values and flags given twice are
 * {@link CliError}s. Negative numbers are values (`--lr -1` is `--lr=-1`).
 */
export function parseFlags(argv: string[], options: Record<string, OptionSpec>): FlagValues {
  // `pnpm start -- --flag` passes the `--` through: drop a leading one.
  if (argv[0] === '--') argv = argv.slice(1);
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    // node:util's messages are clear ("Unknown option '--foo'", "Option '--lr <value>' argument missing").
    throw new CliError((error as Error).message);
  }
  rejectRepeats(parsed.tokens);
  return parsed.values as FlagValues;
}

/** `value` if it is one of `allowed`, else a {@link CliError} listing them. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(`${flag}: "${value}" is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Parses a comma-separated list of positive integers (`--widths 8,16,32`). */
function intList(text: string | undefined, flag: string): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((part) => parseBoundedNumber(part, flag, { min: 1, max: 100_000, integer: true }));
}

const positiveInt = (v: string | undefined, flag: string) =>
  v === undefined ? undefined : parseBoundedNumber(v, flag, { min: 1, integer: true });

/** Parses `--eval-attack`: a comma-separated list of `pgd-K` and `fgsm`, or `none`. */
export function parseEvalAttacks(text: string): EvalAttackFlag[] {
  const items = text.split(',').map((s) => s.trim().toLowerCase());
  if (items.length === 1 && items[0] === 'none') return [];
  return items.map((item) => {
    if (item === 'fgsm') return { type: 'fgsm' };
    const m = /^pgd-(\d+)$/.exec(item);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= 10_000) return { type: 'pgd', steps: Number(m[1]) };
    throw new CliError(`--eval-attack: "${item}" is not an attack (write pgd-K with K steps, e.g. pgd-20, or fgsm, or none)`);
  });
}

const AUGMIX_KNOBS = ['jsd-weight', 'no-jsd', 'augmix-severity', 'augmix-width', 'augmix-depth', 'augmix-alpha', 'augmix-all-ops'] as const;

/** `--augmix` and its knobs (each knob needs `--augmix`; `--no-jsd` and `--jsd-weight` exclude each other). */
export function parseAugmix(values: FlagValues): AugmixFlags | undefined {
  const s = (k: string) => values[k] as string | undefined;
  const given = AUGMIX_KNOBS.filter((k) => values[k] !== undefined);
  if (values.augmix !== true) {
    if (given.length) throw new CliError(`--${given[0]} is an AugMix setting; it needs --augmix`);
    return undefined;
  }
  if (values['no-jsd'] === true && s('jsd-weight') !== undefined) throw new CliError('--jsd-weight is the weight of the Jensen–Shannon loss that --no-jsd turns off: give one of them');
  const depth = s('augmix-depth') === undefined ? -1 : parseBoundedNumber(s('augmix-depth')!, '--augmix-depth', { min: -1, max: 10, integer: true });
  if (depth === 0) throw new CliError('--augmix-depth must be -1 (1–3 operations at random) or 1–10, got 0');
  return {
    jsd: values['no-jsd'] !== true,
    jsdWeight: s('jsd-weight') === undefined ? 12 : parseBoundedNumber(s('jsd-weight')!, '--jsd-weight', { min: 0, max: 1000 }),
    severity: s('augmix-severity') === undefined ? 3 : parseBoundedNumber(s('augmix-severity')!, '--augmix-severity', { min: 1, max: 10, integer: true }),
    width: s('augmix-width') === undefined ? 3 : parseBoundedNumber(s('augmix-width')!, '--augmix-width', { min: 1, max: 10, integer: true }),
    depth,
    alpha: s('augmix-alpha') === undefined ? 1 : parseBoundedNumber(s('augmix-alpha')!, '--augmix-alpha', { min: 0, minExclusive: true, max: 100 }),
    allOps: values['augmix-all-ops'] === true,
  };
}

/**
 * A list of corruptions as typed after `flag`: `all` (the 19 of {@link CORRUPTION_NAMES}), with
 * `allowNone` also `none` (`[]`), or comma-separated names (case-insensitive, each at most once).
 * Every error names `flag`.
 */
export function parseCorruptionList(text: string, flag: string, { allowNone = false } = {}): string[] {
  const items = text.split(',').map((x) => x.trim().toLowerCase());
  if (items.length === 1 && items[0] === 'all') return [...CORRUPTION_NAMES];
  if (allowNone && items.length === 1 && items[0] === 'none') return [];
  for (const name of items) {
    if (!(CORRUPTION_NAMES as readonly string[]).includes(name)) {
      throw new CliError(`${flag}: "${name}" is not a corruption (write all, ${allowNone ? 'none, ' : ''}or names from: ${CORRUPTION_NAMES.join(', ')})`);
    }
  }
  if (new Set(items).size !== items.length) throw new CliError(`${flag}: a corruption is listed twice (${text})`);
  return items;
}

/** `--eval-corruptions` ({@link parseCorruptionList}, `none` allowed) with `--corruption-limit N`. */
export function parseEvalCorruptions(values: FlagValues): CorruptionFlags | undefined {
  const text = values['eval-corruptions'] as string | undefined;
  const limitText = values['corruption-limit'] as string | undefined;
  if (text === undefined) {
    if (limitText !== undefined) throw new CliError('--corruption-limit sets how many test images --eval-corruptions uses; it needs --eval-corruptions');
    return undefined;
  }
  const corruptions = parseCorruptionList(text, '--eval-corruptions', { allowNone: true });
  if (corruptions.length === 0) {
    if (limitText !== undefined) throw new CliError('--corruption-limit does not apply to --eval-corruptions none');
    return { corruptions: [] };
  }
  return { corruptions, ...(limitText !== undefined ? { limit: parseBoundedNumber(limitText, '--corruption-limit', { min: 1, integer: true }) } : {}) };
}

/** Converts and range-checks the shared flags of {@link parseFlags}' `values` (throws {@link CliError}). */
export function commonArgs(values: FlagValues): CommonArgs {
  const s = (k: keyof typeof COMMON_OPTIONS) => values[k] as string | undefined;
  const b = (k: keyof typeof COMMON_OPTIONS) => values[k] === true;
  return {
    help: b('help'),
    model: s('model'),
    widths: intList(s('widths'), '--widths'),
    depths: intList(s('depths'), '--depths'),
    data: s('data'),
    epochs: positiveInt(s('epochs'), '--epochs'),
    batchSize: positiveInt(s('batch-size'), '--batch-size'),
    lr: s('lr') === undefined ? undefined : parseBoundedNumber(s('lr')!, '--lr', { min: 0, minExclusive: true, max: 100 }),
    // 'one-cycle' is accepted for 'onecycle'.
    schedule: oneOf(s('schedule') === 'one-cycle' ? 'onecycle' : s('schedule'), SCHEDULES, '--schedule'),
    warmup: s('warmup') === undefined ? undefined : parseBoundedNumber(s('warmup')!, '--warmup', { min: 0 }),
    optimizer: oneOf(s('optimizer'), OPTIMIZERS, '--optimizer') ?? 'sgd',
    momentum: s('momentum') === undefined ? undefined : parseBoundedNumber(s('momentum')!, '--momentum', { min: 0, max: 1 }),
    weightDecay: s('weight-decay') === undefined ? undefined : parseBoundedNumber(s('weight-decay')!, '--weight-decay', { min: 0, max: 1 }),
    nesterov: b('nesterov'),
    labelSmoothing:
      s('label-smoothing') === undefined ? undefined : parseBoundedNumber(s('label-smoothing')!, '--label-smoothing', { min: 0, max: 0.999 }),
    mixup: s('mixup') === undefined ? undefined : parseBoundedNumber(s('mixup')!, '--mixup', { min: 0, minExclusive: true }),
    cutmix: s('cutmix') === undefined ? undefined : parseBoundedNumber(s('cutmix')!, '--cutmix', { min: 0, minExclusive: true }),
    adv: oneOf(s('adv'), ADV_MODES, '--adv'),
    eps: s('eps') === undefined ? undefined : parseBoundedNumber(s('eps')!, '--eps', { min: 0, max: 1 }),
    stepSize: s('step-size') === undefined ? undefined : parseBoundedNumber(s('step-size')!, '--step-size', { min: 0, minExclusive: true, max: 1 }),
    steps: positiveInt(s('steps'), '--steps'),
    cleanFraction:
      s('clean-fraction') === undefined ? undefined : parseBoundedNumber(s('clean-fraction')!, '--clean-fraction', { min: 0, max: 1 }),
    attackBn: oneOf(s('attack-bn'), ATTACK_BN_MODES, '--attack-bn'),
    augmix: parseAugmix(values),
    evalCorruptions: parseEvalCorruptions(values),
    evalAttacks: s('eval-attack') === undefined ? undefined : parseEvalAttacks(s('eval-attack')!),
    attackLimit:
      s('attack-limit') === undefined ? undefined : parseBoundedNumber(s('attack-limit')!, '--attack-limit', { min: 0, integer: true }),
    trainLimit: positiveInt(s('train-limit'), '--train-limit'),
    testLimit: positiveInt(s('test-limit'), '--test-limit'),
    backend: oneOf(s('backend'), BACKENDS, '--backend') ?? 'auto',
    seed: s('seed') === undefined ? 0 : parseBoundedNumber(s('seed')!, '--seed', { min: 0, max: 2 ** 32 - 1, integer: true }),
    out: s('out'),
    resume: b('resume') || b('force-resume'),
    forceResume: b('force-resume'),
    progress: oneOf(s('progress'), PROGRESS, '--progress') ?? 'auto',
    checkpointEvery: positiveInt(s('checkpoint-every'), '--checkpoint-every'),
  };
}

/** Throws a {@link CliError} for shared flags that contradict each other or are empty. */
export function checkCommonArgs(args: CommonArgs): void {
  const modes = [args.mixup !== undefined && '--mixup', args.cutmix !== undefined && '--cutmix', args.adv && '--adv', args.augmix && '--augmix'].filter(Boolean);
  if (modes.length > 1) throw new CliError(`${modes.join(' and ')} cannot be combined: choose one training mode`);
  if (args.steps !== undefined && args.adv !== 'pgd') throw new CliError('--steps sets the PGD steps of --adv pgd training; it needs --adv pgd');
  if (args.stepSize !== undefined && !args.adv) throw new CliError('--step-size is the training attack step; it needs --adv pgd or --adv fgsm-rs');
  if (args.cleanFraction !== undefined && !args.adv) throw new CliError('--clean-fraction needs --adv pgd or --adv fgsm-rs');
  if (args.attackBn !== undefined && !args.adv) throw new CliError('--attack-bn needs --adv pgd or --adv fgsm-rs');
  if (args.adv && args.eps === 0) throw new CliError('--eps must be > 0 for adversarial training');
  if (args.nesterov && args.optimizer !== 'sgd') throw new CliError('--nesterov applies to --optimizer sgd only');
  if (args.nesterov && args.momentum === 0) throw new CliError('--nesterov needs momentum > 0 (got --momentum 0)');
  if (args.momentum !== undefined && args.optimizer !== 'sgd') throw new CliError('--momentum applies to --optimizer sgd only');
  if (args.data !== undefined && args.data.trim() === '') throw new CliError('--data: empty path');
  if (args.out !== undefined && args.out.trim() === '') throw new CliError('--out: empty path');
  if (args.model !== undefined && !/^[a-z0-9_]+$/i.test(args.model)) {
    throw new CliError(`--model: "${args.model}" is not a model name (see --help for the registry)`);
  }
}
