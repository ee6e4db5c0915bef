// Test helper (not exported): seeded, bounded fuzzing of the data parsers.
import type { Rng } from '@cnn/core';
import { expect } from 'vitest';

/**
 * Cases per fuzz test: `CNN_FUZZ_CASES` when set (`pnpm fuzz` sets 10 000), else `fallback`
 * (a few thousand: seconds in `pnpm test`).
 */
export function fuzzCases(fallback: number): number {
  const raw = process.env.CNN_FUZZ_CASES;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`CNN_FUZZ_CASES must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * A generous bound for one case: a hang guard, not a speed test (a case takes milliseconds). A
 * parser that loops forever or goes quadratic on a crafted input trips it.
 */
export const CASE_LIMIT_MS = 10_000;

/** Rejects when `work` takes longer than {@link CASE_LIMIT_MS}, naming the case. */
export async function withinLimit<T>(label: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not finish within ${CASE_LIMIT_MS} ms (a hang?)`)), CASE_LIMIT_MS);
  });
  try {
    return await Promise.race([work(), guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** The synchronous version: cannot interrupt, but fails the case once it returns too late. */
export function withinLimitSync<T>(label: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    const took = performance.now() - start;
    if (took > CASE_LIMIT_MS) throw new Error(`${label} took ${took.toFixed(0)} ms (limit ${CASE_LIMIT_MS} ms: a hang?)`);
  }
}

/**
 * The only failure the fuzz suites accept: a plain `Error` (or `TarError`) whose message names
 * `source` and says something - no TypeError / RangeError escaping from the internals, no
 * "Cannot read properties of undefined", no raw errno without a path.
 */
export function expectCleanError(err: unknown, source: string, label: string): void {
  const ok = err instanceof Error && (err.constructor === Error || err.name === 'TarError');
  const message = err instanceof Error ? err.message : String(err);
  expect(ok, `${label}: ${String((err as Error)?.name)} escaped: ${message}\n${(err as Error)?.stack ?? ''}`).toBe(true);
  expect(message, `${label}: error does not name ${source}`).toContain(source);
  expect(message, `${label}: internal error text`).not.toMatch(/Cannot read propert|is not a function|is not iterable|undefined \(reading|Maximum call stack/);
  expect(message.length, `${label}: message says nothing beyond the source`).toBeGreaterThan(source.length + 8);
}

/** A few seeded mutations of `bytes` (a copy): bit flips, byte sets, truncation, insertion, deletion, duplication. */
export function mutate(bytes: Uint8Array, rng: Rng): Uint8Array {
  let out: Uint8Array = bytes.slice();
  for (let k = 0, m = 1 + rng.int(3); k < m; k++) {
    const at = rng.int(out.length + 1);
    switch (rng.int(6)) {
      case 0:
        if (out.length > 0) out[Math.min(at, out.length - 1)] ^= 1 << rng.int(8);
        break;
      case 1:
        if (out.length > 0) out[Math.min(at, out.length - 1)] = [0, 0xff, 0x7f, 0x80, 0x30, 0x2f, 0x2e][rng.int(7)];
        break;
      case 2:
        out = out.slice(0, at);
        break;
      case 3:
        out = concat(out.subarray(0, at), randomBytes(rng, 1 + rng.int(600)), out.subarray(at));
        break;
      case 4:
        out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + rng.int(600))));
        break;
      default: {
        const len = rng.int(Math.min(1024, out.length - at) + 1);
        out = concat(out.subarray(0, at + len), out.subarray(at, at + len), out.subarray(at + len));
      }
    }
  }
  return out;
}

export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}
