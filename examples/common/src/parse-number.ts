import { CliError } from './cli-error.js';

/**
 * Parses a number typed on the command line: a decimal (`0.1`, `5e-4`) or a fraction (`8/255`),
 * so that ε can be written the way papers write it. Throws a {@link CliError} naming the flag.
 */
export function parseNumber(text: string, flag: string): number {
  const trimmed = text.trim();
  const parts = trimmed.split('/');
  if (parts.length > 2 || trimmed === '') {
    throw new CliError(`${flag}: "${text}" is not a number (write e.g. 0.1, 5e-4 or 8/255)`);
  }
  const values = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p.trim())));
  if (values.some((v) => !Number.isFinite(v))) {
    throw new CliError(`${flag}: "${text}" is not a number (write e.g. 0.1, 5e-4 or 8/255)`);
  }
  if (values.length === 2) {
    if (values[1] === 0) throw new CliError(`${flag}: "${text}" divides by zero`);
    return values[0] / values[1];
  }
  return values[0];
}

/** Options of {@link parseBoundedNumber}: inclusive/exclusive bounds and integrality. */
export interface NumberRule {
  min?: number;
  /** Require `> min` instead of `>= min`. */
  minExclusive?: boolean;
  max?: number;
  integer?: boolean;
}

/** {@link parseNumber} plus a range / integer check with an error that states the rule. */
export function parseBoundedNumber(text: string, flag: string, rule: NumberRule): number {
  const value = parseNumber(text, flag);
  if (rule.integer && !Number.isInteger(value)) {
    throw new CliError(`${flag}: expected a whole number, got "${text}"`);
  }
  const { min, max, minExclusive } = rule;
  const below = min !== undefined && (minExclusive ? value <= min : value < min);
  const above = max !== undefined && value > max;
  if (below || above) {
    const lo = min === undefined ? '' : `${minExclusive ? '>' : '≥'} ${min}`;
    const hi = max === undefined ? '' : `≤ ${max}`;
    throw new CliError(`${flag}: ${text} is out of range (expected ${[lo, hi].filter(Boolean).join(' and ')})`);
  }
  return value;
}
