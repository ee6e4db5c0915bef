import { describe, expect, it } from 'vitest';
import { CIFAR_C_CORRUPTIONS } from '@cnn/data/node';
import { CliError } from './cli-error.js';
import { checkCommonArgs, commonArgs, COMMON_OPTIONS, CORRUPTION_NAMES, parseCorruptionList, parseEvalAttacks, parseFlags } from './flags.js';

describe('parseEvalAttacks', () => {
  it('reads lists and none', () => {
    expect(parseEvalAttacks('none')).toEqual([]);
    expect(parseEvalAttacks('PGD-20')).toEqual([{ type: 'pgd', steps: 20 }]);
    expect(parseEvalAttacks('fgsm, pgd-50')).toEqual([{ type: 'fgsm' }, { type: 'pgd', steps: 50 }]);
    expect(() => parseEvalAttacks('pgd-0')).toThrow(CliError);
  });
});

/** The shared flags of `argv`, converted and checked as an example CLI does. */
const args = (argv: string[]) => {
  const a = commonArgs(parseFlags(argv, COMMON_OPTIONS));
  checkCommonArgs(a);
  return a;
};

describe('parseFlags', () => {
  it('takes a negative number as the value it is, so the flag’s range check rejects it', () => {
    expect(() => args(['--lr', '-1'])).toThrow(/^--lr: -1 is out of range \(expected > 0 and ≤ 100\)$/);
    expect(() => args(['--eps', '-8/255'])).toThrow(/^--eps: -8\/255 is out of range/);
    expect(() => args(['--weight-decay', '-.5'])).toThrow(/^--weight-decay: -\.5 is out of range/);
    expect(() => args(['--seed', '-3'])).toThrow(/^--seed: -3 is out of range/);
    expect(() => args(['--lr=-1'])).toThrow(/^--lr: -1 is out of range/);
    // A flag after a flag that takes a value is still a missing value, not a value.
    expect(() => args(['--lr', '--epochs', '2'])).toThrow(/argument missing|ambiguous/);
  });

  it('rejects a flag given twice, naming it (it would silently take the last value)', () => {
    expect(() => args(['--lr', '0.1', '--epochs', '2', '--lr', '0.2'])).toThrow(/^--lr is given more than once \(0\.1 and 0\.2\): give it once$/);
    expect(() => args(['--lr=0.1', '--lr', '-1'])).toThrow(/^--lr is given more than once \(0\.1 and -1\)/);
    expect(() => args(['--resume', '--resume'])).toThrow(/^--resume is given more than once: give it once$/);
    expect(() => args(['-h', '--help'])).toThrow(/^--help is given more than once/);
  });

  it('rejects --nesterov with --momentum 0 (as the optimiser would, but before anything is loaded)', () => {
    expect(() => args(['--nesterov', '--momentum', '0'])).toThrow(/^--nesterov needs momentum > 0 \(got --momentum 0\)$/);
    expect(args(['--nesterov', '--momentum', '0.5'])).toMatchObject({ nesterov: true, momentum: 0.5 });
  });

  it('--force-resume implies --resume', () => {
    expect(args(['--force-resume'])).toMatchObject({ resume: true, forceResume: true });
    expect(args(['--resume'])).toMatchObject({ resume: true, forceResume: false });
  });
});

describe('--augmix and its knobs', () => {
  it('defaults as google-research/augmix cifar.py: JSD with λ 12, severity 3, width 3, depth -1, alpha 1', () => {
    expect(args(['--augmix']).augmix).toEqual({ jsd: true, jsdWeight: 12, severity: 3, width: 3, depth: -1, alpha: 1, allOps: false });
    expect(args([]).augmix).toBeUndefined();
  });

  it('reads every knob', () => {
    const a = args(['--augmix', '--jsd-weight', '6', '--augmix-severity', '5', '--augmix-width', '2', '--augmix-depth', '2', '--augmix-alpha', '0.5', '--augmix-all-ops']);
    expect(a.augmix).toEqual({ jsd: true, jsdWeight: 6, severity: 5, width: 2, depth: 2, alpha: 0.5, allOps: true });
    expect(args(['--augmix', '--no-jsd']).augmix).toMatchObject({ jsd: false });
  });

  it.each([
    [['--augmix', '--mixup', '1'], /^--mixup and --augmix cannot be combined: choose one training mode$/],
    [['--augmix', '--cutmix', '1'], /^--cutmix and --augmix cannot be combined/],
    [['--augmix', '--adv', 'pgd'], /^--adv and --augmix cannot be combined/],
    [['--no-jsd'], /^--no-jsd is an AugMix setting; it needs --augmix$/],
    [['--augmix-severity', '3'], /^--augmix-severity is an AugMix setting; it needs --augmix$/],
    [['--augmix', '--no-jsd', '--jsd-weight', '3'], /^--jsd-weight is the weight of the Jensen–Shannon loss that --no-jsd turns off/],
    [['--augmix', '--jsd-weight', '-1'], /^--jsd-weight: -1 is out of range/],
    [['--augmix', '--augmix-severity', '11'], /^--augmix-severity: 11 is out of range/],
    [['--augmix', '--augmix-width', '0'], /^--augmix-width: 0 is out of range/],
    [['--augmix', '--augmix-depth', '0'], /^--augmix-depth must be -1 \(1–3 operations at random\) or 1–10, got 0$/],
    [['--augmix', '--augmix-depth', '-2'], /^--augmix-depth: -2 is out of range/],
    [['--augmix', '--augmix-alpha', '0'], /^--augmix-alpha: 0 is out of range/],
  ])('rejects %j', (argv, message) => {
    expect(() => args(argv)).toThrow(CliError);
    expect(() => args(argv)).toThrow(message);
  });
});

describe('--eval-corruptions and --corruption-limit', () => {
  it('all is the 19 corruptions of CIFAR-10-C; a list is taken as given; the limit is optional', () => {
    expect(args(['--eval-corruptions', 'all']).evalCorruptions?.corruptions).toHaveLength(19);
    expect(args(['--eval-corruptions', 'fog, Gaussian_Noise', '--corruption-limit', '50']).evalCorruptions).toEqual({ corruptions: ['fog', 'gaussian_noise'], limit: 50 });
    expect(args([]).evalCorruptions).toBeUndefined();
  });

  it.each([
    [['--eval-corruptions', 'fogg'], /^--eval-corruptions: "fogg" is not a corruption \(write all, none, or names from: gaussian_noise, /],
    [['--eval-corruptions', 'fog,fog'], /^--eval-corruptions: a corruption is listed twice/],
    [['--corruption-limit', '5'], /^--corruption-limit sets how many test images --eval-corruptions uses; it needs --eval-corruptions$/],
    [['--eval-corruptions', 'all', '--corruption-limit', '0'], /^--corruption-limit: 0 is out of range/],
    [['--eval-corruptions', 'none', '--corruption-limit', '5'], /^--corruption-limit does not apply to --eval-corruptions none$/],
    [['--eval-corruptions'], /argument missing/],
  ])('rejects %j', (argv, message) => {
    expect(() => args(argv)).toThrow(message);
  });
});

describe('parseCorruptionList (shared by --eval-corruptions and cnn-eval --corruptions)', () => {
  it('reads all, names in any case, and none only when allowed', () => {
    expect(parseCorruptionList('all', '--x')).toEqual([...CORRUPTION_NAMES]);
    expect(parseCorruptionList(' Fog,jpeg_compression ', '--x')).toEqual(['fog', 'jpeg_compression']);
    expect(parseCorruptionList('none', '--x', { allowNone: true })).toEqual([]);
  });

  it.each([
    ['none', '--corruptions', false, /^--corruptions: "none" is not a corruption \(write all, or names from: gaussian_noise, /],
    ['fogg', '--eval-corruptions', true, /^--eval-corruptions: "fogg" is not a corruption \(write all, none, or names from: /],
    ['fog,FOG', '--corruptions', false, /^--corruptions: a corruption is listed twice \(fog,FOG\)$/],
  ] as const)('rejects %j naming the flag it was given', (text, flag, allowNone, message) => {
    const options = { allowNone };
    expect(() => parseCorruptionList(text, flag, options)).toThrow(CliError);
    expect(() => parseCorruptionList(text, flag, options)).toThrow(message);
  });

  it('CORRUPTION_NAMES is the list of @cnn/corruptions (CORRUPTIONS, re-exported by @cnn/data as CIFAR_C_CORRUPTIONS)', () => {
    // A copy so that the CLI front end need not load @cnn/corruptions (about 20 ms); this keeps it equal.
    expect([...CORRUPTION_NAMES]).toEqual([...CIFAR_C_CORRUPTIONS]);
  });
});
