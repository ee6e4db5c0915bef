import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { checkCommonArgs, commonArgs, COMMON_OPTIONS, parseEvalAttacks, parseFlags } from './flags.js';

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
