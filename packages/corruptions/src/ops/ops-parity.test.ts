import { describe, expect, it } from 'vitest';
import { loadPilFixtures, parity } from '../pil/test-fixtures.js';
import type { RgbImage } from '../types.js';
import * as ops from './index.js';

const { cases } = loadPilFixtures();

type Run = (img: RgbImage, p: Record<string, number>) => RgbImage;
const RUN: Record<string, Run> = {
  autocontrast: (img) => ops.autocontrast(img),
  equalize: (img) => ops.equalize(img),
  posterize: (img, p) => ops.posterize(img, p.bits),
  solarize: (img, p) => ops.solarize(img, p.threshold),
  rotate: (img, p) => ops.rotate(img, p.degrees),
  shearX: (img, p) => ops.shearX(img, p.factor),
  shearY: (img, p) => ops.shearY(img, p.factor),
  translateX: (img, p) => ops.translateX(img, p.pixels),
  translateY: (img, p) => ops.translateY(img, p.pixels),
  color: (img, p) => ops.color(img, p.factor),
  contrast: (img, p) => ops.contrast(img, p.factor),
  brightness: (img, p) => ops.brightness(img, p.factor),
  sharpness: (img, p) => ops.sharpness(img, p.factor),
};

describe('ops match PIL bit for bit: 8 CIFAR-10 images and a 33×17 image over a parameter grid, and random crops with random (also extreme) parameters', () => {
  for (const [op, run] of Object.entries(RUN)) {
    it(op, () => {
      const mine = cases.filter((c) => c.op === op);
      expect(mine.length).toBeGreaterThanOrEqual(9 + 6);
      expect(mine.filter((c) => c.inputName.startsWith('rand')).length).toBe(6);
      const r = parity(mine, (c) => run(c.input, c.params));
      expect(r).toMatchObject({ exact: 1, maxDiff: 0 });
    });
  }
});
