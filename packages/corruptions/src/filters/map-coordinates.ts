import { borderIndex } from './border.js';

/**
 * scipy.ndimage.map_coordinates(image, [y + dy, x + dx, c], order=1, mode='reflect') for an HWC
 * image: bilinear interpolation on the image extended by half-sample reflection (b a | a b c | c b).
 */
export function displaceBilinear(
  src: Float32Array,
  height: number,
  width: number,
  channels: number,
  dy: Float32Array,
  dx: Float32Array,
): Float64Array {
  const out = new Float64Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const cy = y + dy[p];
      const cx = x + dx[p];
      const fy = Math.floor(cy);
      const fx = Math.floor(cx);
      const ty = cy - fy;
      const tx = cx - fx;
      const r0 = borderIndex(fy, height, 'reflect') * width;
      const r1 = borderIndex(fy + 1, height, 'reflect') * width;
      const c0 = borderIndex(fx, width, 'reflect');
      const c1 = borderIndex(fx + 1, width, 'reflect');
      for (let c = 0; c < channels; c++) {
        const top = src[(r0 + c0) * channels + c] * (1 - tx) + src[(r0 + c1) * channels + c] * tx;
        const bottom = src[(r1 + c0) * channels + c] * (1 - tx) + src[(r1 + c1) * channels + c] * tx;
        out[p * channels + c] = Math.fround(top * (1 - ty) + bottom * ty);
      }
    }
  }
  return out;
}
