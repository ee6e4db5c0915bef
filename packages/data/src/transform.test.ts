import { createRng, type Rng } from '@cnn/core';
import { describe, expect, it } from 'vitest';
import type { Sample } from './dataset.js';
import { cifarTrainTransform, randomCropFlip, toFloat } from './transform.js';

function randomSample(h: number, w: number, seed: number): Sample {
  const rng = createRng(seed);
  const image = new Uint8Array(h * w * 3);
  for (let i = 0; i < image.length; i++) image[i] = rng.int(256);
  return { image, height: h, width: w, label: 0 };
}

/** Naive reference: build the padded image, crop, flip — the torchvision order — in plain loops. */
function reference(s: Sample, size: number, pad: number, mode: 'zero' | 'reflect', dy: number, dx: number, flip: boolean): Float32Array {
  const H = s.height;
  const W = s.width;
  const PH = H + 2 * pad;
  const PW = W + 2 * pad;
  const padded = new Float32Array(PH * PW * 3);
  const refl = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
  for (let y = 0; y < PH; y++)
    for (let x = 0; x < PW; x++) {
      let sy = y - pad;
      let sx = x - pad;
      if (mode === 'reflect') {
        sy = refl(sy, H);
        sx = refl(sx, W);
      } else if (sy < 0 || sy >= H || sx < 0 || sx >= W) continue;
      for (let c = 0; c < 3; c++) padded[(y * PW + x) * 3 + c] = s.image[(sy * W + sx) * 3 + c] / 255;
    }
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const cx = flip ? size - 1 - x : x;
      for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = padded[((y + dy) * PW + cx + dx) * 3 + c];
    }
  return out;
}

describe('randomCropFlip', () => {
  it.each(['zero', 'reflect'] as const)('matches pad → crop → flip done naively (%s padding)', (mode) => {
    const t = randomCropFlip({ padding: 4, padMode: mode });
    for (let k = 0; k < 40; k++) {
      const s = randomSample(32, 32, k);
      const rng = createRng(1000 + k);
      const replay = createRng(1000 + k); // same draws, in the documented order
      const dy = replay.int(9);
      const dx = replay.int(9);
      const flip = replay.uniform() < 0.5;
      const out = new Float32Array(5 + 32 * 32 * 3);
      t.apply(s, out, 5, rng);
      expect(Array.from(out.subarray(5))).toEqual(Array.from(reference(s, 32, 4, mode, dy, dx, flip)));
    }
  });

  it('with no padding and no flip is the identity; flip 1 mirrors columns', () => {
    const s = randomSample(8, 6, 1);
    const out = new Float32Array(8 * 6 * 3);
    randomCropFlip({ padding: 0, flip: 0 }).apply(s, out, 0, createRng(0));
    expect(Array.from(out)).toEqual(Array.from(s.image, (v) => Math.fround(v / 255)));
    randomCropFlip({ padding: 0, flip: 1 }).apply(s, out, 0, createRng(0));
    expect(out[0]).toBe(Math.fround(s.image[5 * 3] / 255));
    expect(out[(7 * 6 + 5) * 3 + 2]).toBe(Math.fround(s.image[7 * 6 * 3 + 2] / 255));
  });

  it('cutout zeroes a clipped square of the given size and nothing else', () => {
    const s: Sample = { image: new Uint8Array(32 * 32 * 3).fill(200), height: 32, width: 32, label: 0 };
    const t = cifarTrainTransform({ padding: 0, flip: 0, cutout: 8 });
    const rng: Rng = createRng(3);
    let sawClipped = false;
    for (let k = 0; k < 50; k++) {
      const out = new Float32Array(32 * 32 * 3);
      t.apply(s, out, 0, rng);
      let zeros = 0;
      for (const v of out) if (v === 0) zeros++;
      expect(zeros % 3).toBe(0);
      expect(zeros / 3).toBeGreaterThan(0);
      expect(zeros / 3).toBeLessThanOrEqual(64);
      if (zeros / 3 < 64) sawClipped = true;
    }
    expect(sawClipped).toBe(true);
  });

  it('rejects bad options and undersized images clearly', () => {
    expect(() => randomCropFlip({ padding: -1 })).toThrow(/padding must be a non-negative integer/);
    expect(() => randomCropFlip({ padMode: 'edge' as never })).toThrow(/padMode/);
    expect(() => randomCropFlip({ size: 0 })).toThrow(/size must be a positive integer, got 0/);
    expect(() => randomCropFlip({ cutout: { size: 4, p: 1.5 } })).toThrow(/cutout p must be a probability, got 1.5/);
    const out = new Float32Array(32 * 32 * 3);
    expect(() => randomCropFlip({ size: 32, padding: 2 }).apply(randomSample(16, 16, 0), out, 0, createRng(0))).toThrow(
      /16×16 image padded by 2 is smaller than the 32×32 crop/,
    );
    expect(() => toFloat().apply({ image: new Uint8Array(5), height: 2, width: 2, label: 0 }, out, 0, createRng(0))).toThrow(/5 bytes, expected 2×2×3 = 12/);
  });
});
