import { describe, expect, it } from 'vitest';
import type { Draws } from '../draws.js';
import { REGISTRY } from '../registry.js';
import { CIFAR_TABLE } from '../tables/cifar.js';
import { IMAGENET_TABLE } from '../tables/imagenet.js';
import type { CorruptionTable } from '../tables/table.js';
import type { RgbImage } from '../types.js';
import type { CorruptionName } from '../names.js';
import {
  DETERMINISTIC,
  IMAGENET_DETERMINISTIC,
  cifarDeterministic,
  cifarInputs,
  closeness,
  imagenetDeterministic,
  imagenetInput,
  loadReplays,
  replayDraws,
} from './test-fixtures.js';

// Reference outputs of make_cifar_c.py / make_imagenet_c.py (fixtures/make_fixtures.py) on real
// CIFAR-10 test images. The issue asks for ±1 on ≥ 99% of values; the implementation is bit-exact
// on every committed case, so the tests also require max difference ≤ 1 and ≥ 99% equal values
// (a rounding slip, e.g. ImageMagick's 16→8-bit step rounded instead of truncated, stays within ±1
// but leaves only ~50% equal).
const noDraws: Draws = replayDraws({});

function run(name: CorruptionName, image: RgbImage, severity: number, table: CorruptionTable, draws = noDraws): Uint8Array {
  return REGISTRY[name]({ image, level: severity - 1, table, draws });
}

describe('deterministic corruptions match make_cifar_c.py on 8 CIFAR-10 test images', () => {
  const inputs = cifarInputs();
  const expected = cifarDeterministic();
  for (const name of DETERMINISTIC) {
    it(`${name}, severities 1–5`, () => {
      for (let severity = 1; severity <= 5; severity++) {
        inputs.forEach((image, i) => {
          const c = closeness(run(name, image, severity, CIFAR_TABLE), expected[name][severity - 1][i].image);
          expect({ severity, image: i, ok: c.withinOne >= 0.99 && c.maxDiff <= 1 && c.exact >= 0.99, ...c }).toMatchObject({ ok: true });
        });
      }
    });
  }
});

describe('deterministic corruptions match make_imagenet_c.py on a 224×224 image', () => {
  const input = imagenetInput();
  const expected = imagenetDeterministic();
  for (const [name, severity] of Object.entries(IMAGENET_DETERMINISTIC)) {
    it(`${name}, severity ${severity}`, () => {
      const c = closeness(run(name as CorruptionName, input, severity, IMAGENET_TABLE), expected[name].image);
      expect({ ok: c.withinOne >= 0.99 && c.maxDiff <= 1 && c.exact >= 0.99, ...c }).toMatchObject({ ok: true });
    });
  }
});

// Random corruptions fed the very numbers numpy drew (in numpy's order): every step after the draws
// — motion-blur kernel, plasma fractal, glass blur's pixel moves, elastic warps, snow, spatter —
// must give the reference's bytes, and consume exactly the recorded draws.
describe.each([
  ['cifar', 'cifar-replay.json.gz', CIFAR_TABLE, (): RgbImage => cifarInputs()[0]],
  ['imagenet', 'imagenet-replay.json.gz', IMAGENET_TABLE, imagenetInput],
] as const)('random corruptions replaying numpy draws (%s table)', (_label, file, table, input) => {
  for (const [name, runs] of Object.entries(loadReplays(file))) {
    if (name === 'impulse_noise') continue; // skimage draws from its own Generator: distribution test only
    it(`${name}, severities ${runs.map((r) => r.severity).join(', ')}`, () => {
      for (const replay of runs) {
        const draws = replayDraws(replay.draws);
        const c = closeness(run(name as CorruptionName, input(), replay.severity, table, draws), replay.output);
        const left = Object.values(draws.remaining()).reduce((a, b) => a + b, 0);
        const ok = c.withinOne >= 0.99 && c.maxDiff <= 1 && c.exact >= 0.99;
        expect({ severity: replay.severity, ok, left, ...c }).toMatchObject({ ok: true, left: 0 });
      }
    });
  }
});
