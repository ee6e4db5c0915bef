import { describe, expect, it } from 'vitest';
import { loadPilFixtures, sameBytes } from '../pil/test-fixtures.js';
import type { RgbImage } from '../types.js';
import * as ops from './index.js';

const input = loadPilFixtures().cases.find((c) => c.inputName === 'cifar3')!.input;

const CALLS: [string, (img: RgbImage) => RgbImage][] = [
  ['autocontrast', (i) => ops.autocontrast(i)],
  ['equalize', (i) => ops.equalize(i)],
  ['posterize', (i) => ops.posterize(i, 2)],
  ['solarize', (i) => ops.solarize(i, 100)],
  ['rotate', (i) => ops.rotate(i, 17)],
  ['rotate 180', (i) => ops.rotate(i, -180)],
  ['shearX', (i) => ops.shearX(i, 0.2)],
  ['shearY', (i) => ops.shearY(i, -0.2)],
  ['translateX', (i) => ops.translateX(i, 5)],
  ['translateY', (i) => ops.translateY(i, -5)],
  ['color', (i) => ops.color(i, 0.3)],
  ['contrast', (i) => ops.contrast(i, 1.8)],
  ['brightness', (i) => ops.brightness(i, 0.5)],
  ['sharpness', (i) => ops.sharpness(i, 1.9)],
];

describe('ops are pure', () => {
  for (const [name, call] of CALLS) {
    it(`${name} leaves its input unmodified and returns a new, changed image of the same size`, () => {
      const before = input.image.slice();
      const out = call(input);
      expect(sameBytes(input.image, before)).toBe(true);
      expect(out.image).not.toBe(input.image);
      expect(sameBytes(out.image, input.image)).toBe(false);
      expect([out.height, out.width]).toEqual([input.height, input.width]);
    });
  }

  it('identity parameters give an equal copy (rotate 0 / 360, factor 1, posterize 8, solarize 256)', () => {
    for (const out of [ops.rotate(input, 360), ops.color(input, 1), ops.posterize(input, 8), ops.solarize(input, 256)]) {
      expect(sameBytes(out.image, input.image)).toBe(true);
      expect(out.image).not.toBe(input.image);
    }
  });
});

describe('ops reject bad parameters, naming the argument', () => {
  it('posterize bits outside 1..8 or not an integer', () => {
    expect(() => ops.posterize(input, 0)).toThrow(/bits must be an integer in \[1, 8\], got 0/);
    expect(() => ops.posterize(input, 9)).toThrow(/bits/);
    expect(() => ops.posterize(input, 2.5)).toThrow(/bits/);
  });

  it('non-finite factors, angles, thresholds and shifts', () => {
    expect(() => ops.color(input, Number.NaN)).toThrow(/factor must be a finite number, got NaN/);
    expect(() => ops.sharpness(input, Infinity)).toThrow(/factor must be a finite number/);
    expect(() => ops.shearX(input, Number.NaN)).toThrow(/factor must be a finite number/);
    expect(() => ops.rotate(input, Infinity)).toThrow(/degrees must be a finite number/);
    expect(() => ops.solarize(input, Number.NaN)).toThrow(/threshold must be a finite number/);
    expect(() => ops.translateY(input, -Infinity)).toThrow(/pixels must be a finite number/);
  });

  it('images whose byte length does not match height × width × 3', () => {
    const bad = { image: new Uint8Array(31), height: 3, width: 3 };
    for (const [, call] of CALLS) expect(() => call(bad)).toThrow(/img.image has 31 bytes but 3×3×3 = 27 were expected/);
    expect(() => ops.equalize({ image: [1, 2, 3] as unknown as Uint8Array, height: 1, width: 1 })).toThrow(/img.image must be a Uint8Array/);
  });
});
