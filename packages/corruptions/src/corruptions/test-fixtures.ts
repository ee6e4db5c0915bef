// Test-only loader of fixtures/ (written by fixtures/make_fixtures.py); not exported.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Draws } from '../draws.js';
import type { RgbImage } from '../types.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

/** The deterministic corruptions in the order make_fixtures.py wrote them. */
export const DETERMINISTIC = ['brightness', 'contrast', 'saturate', 'jpeg_compression', 'pixelate', 'defocus_blur', 'gaussian_blur', 'zoom_blur'] as const;
export const IMAGENET_DETERMINISTIC = { brightness: 5, contrast: 4, saturate: 5, defocus_blur: 3, gaussian_blur: 2, zoom_blur: 5, jpeg_compression: 1, pixelate: 4 } as const;

function read(name: string): Uint8Array {
  const raw = readFileSync(path.join(DIR, name));
  return new Uint8Array(name.endsWith('.gz') ? gunzipSync(raw) : raw);
}

function images(bytes: Uint8Array, side: number): RgbImage[] {
  const n = side * side * 3;
  return Array.from({ length: bytes.length / n }, (_, i) => ({ image: bytes.slice(i * n, (i + 1) * n), height: side, width: side }));
}

/** The clean CIFAR-10 test images of the fixtures (32×32). */
export const cifarInputs = (): RgbImage[] => images(read('cifar-inputs.bin'), 32);

/** The reference outputs of the deterministic corruptions: [name][severity − 1][image]. */
export function cifarDeterministic(): Record<string, RgbImage[][]> {
  const all = images(read('cifar-deterministic.bin.gz'), 32);
  const perName = all.length / DETERMINISTIC.length;
  const perSeverity = perName / 5;
  const out: Record<string, RgbImage[][]> = {};
  DETERMINISTIC.forEach((name, n) => {
    out[name] = Array.from({ length: 5 }, (_, s) => all.slice(n * perName + s * perSeverity, n * perName + (s + 1) * perSeverity));
  });
  return out;
}

export const imagenetInput = (): RgbImage => images(read('imagenet-input.bin'), 224)[0];

/** ImageNet reference outputs, in IMAGENET_DETERMINISTIC's order. */
export function imagenetDeterministic(): Record<string, RgbImage> {
  const all = images(read('imagenet-deterministic.bin.gz'), 224);
  return Object.fromEntries(Object.keys(IMAGENET_DETERMINISTIC).map((name, i) => [name, all[i]]));
}

interface RawReplay {
  severity: number;
  draws: Record<string, { dtype: '<f8' | '<i2'; data: string }>;
  output: string;
}

/** One recorded reference run: numpy's draws in order per sampler, and the output bytes. */
export interface Replay {
  severity: number;
  draws: Record<string, Float64Array>;
  output: Uint8Array;
}

function decode(entry: { dtype: '<f8' | '<i2'; data: string }): Float64Array {
  const bytes = Buffer.from(entry.data, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = entry.dtype === '<f8' ? 8 : 2;
  return Float64Array.from({ length: bytes.length / size }, (_, i) => (size === 8 ? view.getFloat64(i * 8, true) : view.getInt16(i * 2, true)));
}

export function loadReplays(file: 'cifar-replay.json.gz' | 'imagenet-replay.json.gz'): Record<string, Replay[]> {
  const raw = JSON.parse(new TextDecoder().decode(read(file))) as Record<string, RawReplay[]>;
  const out: Record<string, Replay[]> = {};
  for (const [name, runs] of Object.entries(raw)) {
    out[name] = runs.map((r) => ({
      severity: r.severity,
      draws: Object.fromEntries(Object.entries(r.draws).map(([k, v]) => [k, decode(v)])),
      output: new Uint8Array(Buffer.from(r.output, 'base64')),
    }));
  }
  return out;
}

export interface DistributionStat {
  severity: number;
  draws: number;
  mean: number;
  meanSd: number;
  std: number;
  stdSd: number;
}

export const loadStats = (file: 'cifar-stats.json' | 'imagenet-stats.json'): Record<string, DistributionStat[]> =>
  JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Record<string, DistributionStat[]>;

/**
 * Draws that hand back numpy's recorded values in order (per sampler) and fail when the
 * implementation asks for more or for a sampler the reference did not use.
 */
export function replayDraws(recorded: Record<string, Float64Array>): Draws & { remaining(): Record<string, number> } {
  const used: Record<string, number> = {};
  const take = (kind: string, n: number): Float64Array => {
    const values = recorded[kind];
    const at = used[kind] ?? 0;
    if (!values || at + n > values.length) throw new Error(`replay: asked for ${n} ${kind} values at ${at}, recorded ${values?.length ?? 0}`);
    used[kind] = at + n;
    return values.subarray(at, at + n);
  };
  return {
    uniform: (_low, _high, n) => take('uniform', n).slice(),
    normal: (_loc, _scale, n) => take('normal', n).slice(),
    randint: (_low, _high, n) => Int32Array.from(take('randint', n)),
    poisson: (lambdas) => take('poisson', lambdas.length).slice(),
    remaining: () => Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, v.length - (used[k] ?? 0)])),
  };
}

/** Fraction of values within ±1 and the largest absolute difference. */
export function closeness(actual: Uint8Array, expected: Uint8Array): { withinOne: number; maxDiff: number; exact: number } {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let within = 0;
  let exact = 0;
  let maxDiff = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (d <= 1) within++;
    if (d === 0) exact++;
    maxDiff = Math.max(maxDiff, d);
  }
  return { withinOne: within / actual.length, exact: exact / actual.length, maxDiff };
}
