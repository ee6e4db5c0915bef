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
  if (radius > 2 * Math.max(height, width)) return foldedGaussian(src, height, width, channels, weights, mode);
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
  // each row padded once, then every tap is one contiguous multiply-add over the row
  const padded = new Float64Array(cols.length * channels);
  for (let y = 0; y < height; y++) {
    const row = y * rowStride;
    for (let p = 0; p < cols.length; p++) {
      for (let c = 0; c < channels; c++) padded[p * channels + c] = vertical[row + cols[p] * channels + c];
    }
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k];
      const shift = k * channels;
      for (let i = 0; i < rowStride; i++) result[row + i] += w * padded[shift + i];
    }
  }
  return result;
}

/**
 * The same filter when the kernel is many times wider than the image (ImageNet elastic_transform,
 * σ ≈ 171 px on 224 px): the border-mapped taps are summed per source index first (an n × n
 * matrix per axis), so the cost no longer grows with the radius.
 */
function foldedGaussian(src: Float64Array, height: number, width: number, channels: number, weights: Float64Array, mode: BorderMode): Float64Array {
  const vertical = new Float64Array(src.length);
  const rows = foldedMatrix(height, weights, mode);
  const rowStride = width * channels;
  for (let y = 0; y < height; y++) {
    for (let j = 0; j < height; j++) {
      const w = rows[y * height + j];
      if (w === 0) continue;
      const from = j * rowStride;
      const out = y * rowStride;
      for (let i = 0; i < rowStride; i++) vertical[out + i] += w * src[from + i];
    }
  }
  const result = new Float64Array(src.length);
  const cols = foldedMatrix(width, weights, mode);
  for (let y = 0; y < height; y++) {
    const row = y * rowStride;
    for (let x = 0; x < width; x++) {
      const out = row + x * channels;
      for (let j = 0; j < width; j++) {
        const w = cols[x * width + j];
        if (w === 0) continue;
        const from = row + j * channels;
        for (let c = 0; c < channels; c++) result[out + c] += w * vertical[from + c];
      }
    }
  }
  return result;
}

/** M[i·n + j]: the total weight output i gives source j under the border mode. */
function foldedMatrix(n: number, weights: Float64Array, mode: BorderMode): Float64Array {
  const radius = (weights.length - 1) / 2;
  const matrix = new Float64Array(n * n);
  const table = borderTable(n, radius, mode);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < weights.length; k++) matrix[i * n + table[i + k]] += weights[k];
  }
  return matrix;
}
