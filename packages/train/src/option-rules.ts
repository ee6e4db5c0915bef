/**
 * Small range checks shared by the option validators: each throws a RangeError naming the option
 * (`where`, e.g. `train: schedule.lr`) and the value it got.
 */

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

/** A finite number in `[min, max]` (`minExclusive` for `(min, max]`). */
export function checkNumber(where: string, v: unknown, rule: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }): number {
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = rule;
  const ok =
    typeof v === 'number' && Number.isFinite(v) && (minExclusive ? v > min : v >= min) && (maxExclusive ? v < max : v <= max);
  if (!ok) {
    const lo = min === -Infinity ? '' : `${minExclusive ? '>' : '≥'} ${min}`;
    const hi = max === Infinity ? '' : `${maxExclusive ? '<' : '≤'} ${max}`;
    throw new RangeError(`${where} must be a finite number ${[lo, hi].filter(Boolean).join(' and ')}, got ${show(v)}`);
  }
  return v as number;
}

/** An integer ≥ `min`. */
export function checkInteger(where: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new RangeError(`${where} must be an integer ≥ ${min}, got ${show(v)}`);
  return v;
}

/** Like {@link checkNumber} / {@link checkInteger}, for an option that may be left out. */
export function optionalNumber(where: string, v: unknown, rule: Parameters<typeof checkNumber>[2]): void {
  if (v !== undefined) checkNumber(where, v, rule);
}

export function optionalInteger(where: string, v: unknown, min: number): void {
  if (v !== undefined) checkInteger(where, v, min);
}

/** One of `allowed` (a string option). */
export function checkChoice(where: string, v: unknown, allowed: readonly string[]): void {
  if (typeof v !== 'string' || !allowed.includes(v)) throw new Error(`${where} must be one of ${allowed.join(', ')}, got ${show(v)}`);
}

/** A plain object (the options of a nested setting). */
export function checkObject(where: string, v: unknown): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${where} must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}
