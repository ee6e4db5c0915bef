import { diskKernel, filter2D } from '../filters/disk.js';
import { gaussianFilter } from '../filters/gaussian.js';
import { type Corruption, unitFloats, unitToBytes } from './context.js';

/** skimage `gaussian(x, σ)` per channel (nearest borders, truncate 4). */
export const gaussianBlur: Corruption = ({ image, level, table }) => {
  const { height, width } = image;
  return unitToBytes(gaussianFilter(unitFloats(image.image), height, width, 3, table.gaussianBlur[level]));
};

/** cv2.filter2D of each channel with the anti-aliased disk kernel. */
export const defocusBlur: Corruption = ({ image, level, table }) => {
  const { height, width } = image;
  const [radius, aliasBlur] = table.defocusBlur[level];
  return unitToBytes(filter2D(unitFloats(image.image), height, width, 3, diskKernel(radius, aliasBlur)));
};

/**
 * Gaussian blur, truncate to bytes, move pixels locally, blur again. The reference's "swap"
 * `x[h, w], x[h', w'] = x[h', w'], x[h, w]` assigns numpy views, so it only copies
 * x[h', w'] into x[h, w]; this does the same. Offsets (dx, dy) are randint(−d, d) pairs, for
 * h and w running from size − d down to d + 1.
 */
export const glassBlur: Corruption = ({ image, level, table, draws }) => {
  const { height, width } = image;
  const size = table.size;
  const [sigma, delta, iterations] = table.glassBlur[level];
  const first = gaussianFilter(unitFloats(image.image), height, width, 3, sigma);
  const pixels = new Uint8Array(first.length);
  for (let i = 0; i < first.length; i++) pixels[i] = Math.trunc(first[i] * 255);
  const span = size - 2 * delta;
  for (let it = 0; it < iterations; it++) {
    const offsets = draws.randint(-delta, delta, 2 * span * span);
    let k = 0;
    for (let h = size - delta; h > delta; h--) {
      for (let w = size - delta; w > delta; w--) {
        const dx = offsets[k++];
        const dy = offsets[k++];
        const to = (h * width + w) * 3;
        const from = ((h + dy) * width + (w + dx)) * 3;
        pixels[to] = pixels[from];
        pixels[to + 1] = pixels[from + 1];
        pixels[to + 2] = pixels[from + 2];
      }
    }
  }
  return unitToBytes(gaussianFilter(unitFloats(pixels), height, width, 3, sigma));
};
