import { checkInteger, checkObject, optionalInteger, optionalNumber } from './option-rules.js';
import type { CorruptFunction, CorruptionEvalOptions } from './corruption-types.js';

/** `evaluateCorruptions`' options, checked, with their defaults. */
export interface CorruptionPlan {
  corruptions: string[];
  severities: number[];
  n: number;
  seed: number;
  batchSize: number;
  bins: number;
  example?: { index: number; severity: number };
}

const WHERE = 'evaluateCorruptions';

/** Checks the options against a data set of `length` examples; throws naming the bad option and its value. */
export function corruptionPlan(o: CorruptionEvalOptions, length: number): CorruptionPlan {
  checkObject(`${WHERE}: options`, o);
  const corruptions = checkNames(o.corruptions);
  const severities = [...(o.severities ?? [1, 2, 3, 4, 5])];
  if (severities.length === 0 || new Set(severities).size !== severities.length || severities.some((s) => !Number.isInteger(s) || s < 1 || s > 5)) {
    throw new RangeError(`${WHERE}: options.severities must be distinct integers from 1 to 5, got ${JSON.stringify(o.severities)}`);
  }
  optionalInteger(`${WHERE}: options.limit`, o.limit, 1);
  optionalNumber(`${WHERE}: options.seed`, o.seed, {});
  optionalInteger(`${WHERE}: options.batchSize`, o.batchSize, 1);
  optionalInteger(`${WHERE}: options.bins`, o.bins, 1);
  if (o.corrupt !== undefined && typeof o.corrupt !== 'function') throw new TypeError(`${WHERE}: options.corrupt must be a function (image, name, severity, { seed }) => image`);
  if (!(length > 0)) throw new Error(`${WHERE}: the data set is empty`);
  const n = Math.min(o.limit ?? length, length);
  if (o.baseline !== undefined) checkBaseline(o.baseline, corruptions, severities);
  return { corruptions, severities, n, seed: o.seed ?? 0, batchSize: o.batchSize ?? 100, bins: o.bins ?? 15, example: examplePlan(o.keepExample, n) };
}

function checkNames(names: unknown): string[] {
  if (!Array.isArray(names) || names.length === 0 || names.some((c) => typeof c !== 'string' || c === '')) {
    throw new TypeError(`${WHERE}: options.corruptions must be a non-empty array of corruption names, got ${JSON.stringify(names)}`);
  }
  if (new Set(names).size !== names.length) throw new Error(`${WHERE}: options.corruptions has a name twice: ${names.join(', ')}`);
  return [...names] as string[];
}

function checkBaseline(baseline: CorruptionEvalOptions['baseline'], corruptions: string[], severities: number[]): void {
  const errors = checkObject(`${WHERE}: options.baseline.errors`, baseline?.errors) as Record<string, Record<number, unknown>>;
  for (const c of corruptions) {
    const row = errors[c];
    for (const s of severities) {
      const e = row?.[s];
      if (typeof e !== 'number' || !(e >= 0 && e <= 1)) {
        throw new RangeError(`${WHERE}: options.baseline.errors["${c}"][${s}] must be an error rate in [0, 1], got ${JSON.stringify(e)}`);
      }
    }
    if (severities.every((s) => row[s] === 0)) throw new RangeError(`${WHERE}: options.baseline.errors["${c}"] is 0 at every severity, so its CE is undefined`);
  }
}

function examplePlan(keep: CorruptionEvalOptions['keepExample'], n: number): CorruptionPlan['example'] {
  if (keep === false) return undefined;
  const index = checkInteger(`${WHERE}: options.keepExample.index`, keep?.index ?? 0, 0);
  const severity = checkInteger(`${WHERE}: options.keepExample.severity`, keep?.severity ?? 3, 1);
  if (index >= n) throw new RangeError(`${WHERE}: options.keepExample.index ${index} is not among the ${n} evaluated examples`);
  if (severity > 5) throw new RangeError(`${WHERE}: options.keepExample.severity must be 1–5, got ${severity}`);
  return { index, severity };
}

/**
 * The seed of the corruption of example `index` by `name` at `severity`: FNV-1a of the four, so
 * each (seed, example, corruption, severity) has its own draws, independent of batching and order.
 */
export function cellSeed(seed: number, index: number, name: string, severity: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}|${index}|${name}|${severity}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * `corrupt` of `@cnn/corruptions`, loaded when first needed (only corruption evaluations use it): a
 * clear error when the package cannot be loaded or does not export it.
 */
export async function loadCorruptFunction(specifier = '@cnn/corruptions'): Promise<CorruptFunction> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(
      `${WHERE}: no options.corrupt was given and ${specifier} could not be loaded (${(e as Error).message.split('\n')[0]}); ` +
        `install ${specifier} or pass options.corrupt`,
    );
  }
  if (typeof mod.corrupt !== 'function') throw new Error(`${WHERE}: ${specifier} does not export a corrupt function (yet); pass options.corrupt`);
  return mod.corrupt as CorruptFunction;
}
