import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { parseEvalAttacks } from './flags.js';

describe('parseEvalAttacks', () => {
  it('reads lists and none', () => {
    expect(parseEvalAttacks('none')).toEqual([]);
    expect(parseEvalAttacks('PGD-20')).toEqual([{ type: 'pgd', steps: 20 }]);
    expect(parseEvalAttacks('fgsm, pgd-50')).toEqual([{ type: 'fgsm' }, { type: 'pgd', steps: 50 }]);
    expect(() => parseEvalAttacks('pgd-0')).toThrow(CliError);
  });
});
