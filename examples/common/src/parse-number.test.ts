import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { parseBoundedNumber, parseNumber } from './parse-number.js';

describe('parseNumber', () => {
  it('reads decimals, exponents and fractions', () => {
    expect(parseNumber('0.1', '--lr')).toBe(0.1);
    expect(parseNumber('5e-4', '--wd')).toBe(5e-4);
    expect(parseNumber('8/255', '--eps')).toBe(8 / 255);
    expect(parseNumber(' 2 / 255 ', '--eps')).toBe(2 / 255);
  });

  it.each(['', 'abc', '8/', '/255', '1/2/3', '8/0', 'NaN', 'Infinity', '0x'])('rejects "%s" naming the flag', (text) => {
    expect(() => parseNumber(text, '--eps')).toThrow(CliError);
    expect(() => parseNumber(text, '--eps')).toThrow(/--eps/);
  });
});

describe('parseBoundedNumber', () => {
  it('enforces ranges and integers with the rule in the message', () => {
    expect(parseBoundedNumber('3', '--epochs', { min: 1, integer: true })).toBe(3);
    expect(() => parseBoundedNumber('0', '--epochs', { min: 1, integer: true })).toThrow(/--epochs: 0 is out of range \(expected ≥ 1\)/);
    expect(() => parseBoundedNumber('2.5', '--epochs', { min: 1, integer: true })).toThrow(/whole number/);
    expect(() => parseBoundedNumber('0', '--lr', { min: 0, minExclusive: true })).toThrow(/expected > 0/);
    expect(() => parseBoundedNumber('300/255', '--eps', { min: 0, max: 1 })).toThrow(/≤ 1/);
  });
});
