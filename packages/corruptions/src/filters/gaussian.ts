import { type BorderMode, borderTable } from './border.js';

/** scipy's 1-D Gaussian weights: radius int(truncate·σ + 0.5), normalised to sum 1. */
export function gaussianWeights(sigma: number, truncate: number): Float64Array {
  const radius = Math.trunc(truncate * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp((-0.5 / (sigma * sigma)) * i * i);
    weights[i + radius] = w;
    sum += w;
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return weights;
}

/**
 * skimage.filters.gaussian (scipy.ndimage.gaussian_filter) over the two spatial axes of an HWC
 * image with `channels` channels: rows first, then columns, each a 1-D correlation with
 * {@link gaussianWeights}; σ ≤ 1e-15 leaves the image as it is (scipy skips such axes).
 */
export function gaussianFilter(
  src: Float64Array,
  height: number,
  width: number,
  channels: number,
  sigma: number,
  mode: BorderMode = 'nearest',
  truncate = 4,
): Float64Array {
  if (!(sigma > 1e-15)) return src.slice();
  const weights = gaussianWeights(sigma, truncate);
  const radius = (weights.length - 1) / 2;
  const vertical = new Float64Array(src.length);
  const rows = borderTable(height, radius, mode);
  const rowStride = width * channels;
  for (let y = 0; y < height; y++) {
    const out = y * rowStride;
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k];
      const from = rows[y + k] * rowStride;
      for (let i = 0; i < rowStride; i++) vertical[out + i] += w * src[from + i];
    }
  }
  const result = new Float64Array(src.length);
  const cols = borderTable(width, radius, mode);
  for (let y = 0; y < height; y++) {
    const row = y * rowStride;
    for (let x = 0; x < width; x++) {
      const out = row + x * channels;
      for (let k = 0; k < weights.length; k++) {
        const w = weights[k];
        const from = row + cols[x + k] * channels;
        for (let c = 0; c < channels; c++) result[out + c] += w * vertical[from + c];
      }
    }
  }
  return result;
}
