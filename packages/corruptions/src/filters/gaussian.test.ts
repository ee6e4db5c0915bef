import { createRng } from '@cnn/core';
import { describe, expect, it } from 'vitest';
import { type BorderMode, borderIndex } from './border.js';
import { gaussianFilter, gaussianWeights } from './gaussian.js';

/** scipy's gaussian_filter written out tap by tap: rows, then columns. */
function byDefinition(src: Float64Array, height: number, width: number, sigma: number, mode: BorderMode, truncate: number): Float64Array {
  const w = gaussianWeights(sigma, truncate);
  const r = (w.length - 1) / 2;
  const rows = new Float64Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < w.length; k++) rows[y * width + x] += w[k] * src[borderIndex(y + k - r, height, mode) * width + x];
    }
  }
  const out = new Float64Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < w.length; k++) out[y * width + x] += w[k] * rows[y * width + borderIndex(x + k - r, width, mode)];
    }
  }
  return out;
}

describe('gaussianFilter', () => {
  // ImageNet elastic_transform filters 224 px with σ ≈ 171 px (radius 512): the taps are folded
  // per source index first; the result must still be the filter's definition.
  it.each([
    ['reflect', 30, 3],
    ['nearest', 25, 4],
    ['mirror', 40, 3],
  ] as const)('kernels much wider than the image (%s, σ = %d) equal the tap-by-tap definition', (mode, sigma, truncate) => {
    const rng = createRng(5);
    const src = Float64Array.from({ length: 20 * 12 }, () => rng.uniform() * 2 - 1);
    const ours = gaussianFilter(src, 20, 12, 1, sigma, mode, truncate);
    const expected = byDefinition(src, 20, 12, sigma, mode, truncate);
    const maxDiff = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
    expect(maxDiff).toBeLessThan(1e-12);
    expect(Math.abs(ours[0] - ours[100])).toBeGreaterThan(1e-6); // not a constant image
  });
});
