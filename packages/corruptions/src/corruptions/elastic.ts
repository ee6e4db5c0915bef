import { gaussianFilter } from '../filters/gaussian.js';
import { displaceBilinear } from '../filters/map-coordinates.js';
import { affineFromPoints, warpAffine } from '../filters/warp-affine.js';
import { type Corruption, unitToBytes32 } from './context.js';

/**
 * A random affine warp (three anchor points moved by U(−c₂, c₂), cv2.warpAffine), then a smooth
 * random displacement field (gaussian(U(−1, 1), c₁, reflect, truncate 3) · c₀ for dx, then dy)
 * sampled bilinearly with half-sample reflection (scipy map_coordinates).
 */
export const elasticTransform: Corruption = ({ image, level, table, draws }) => {
  const [alpha, sigma, jitter] = table.elastic[level];
  const { height, width } = image;
  const f = Math.fround;
  const x = new Float32Array(image.image.length);
  for (let i = 0; i < x.length; i++) x[i] = image.image[i] / 255;
  // numpy: center = float32([h, w]) // 2, square = min(h, w) // 3; points as (x, y) pairs
  const cy = Math.floor(height / 2);
  const cx = Math.floor(width / 2);
  const s = Math.floor(Math.min(height, width) / 3);
  const from = [cy + s, cx + s, cy + s, cx - s, cy - s, cx - s];
  const moves = draws.uniform(-jitter, jitter, 6);
  const to = from.map((v, i) => f(v + f(moves[i])));
  const warped = warpAffine(x, height, width, 3, affineFromPoints(from, to));
  const field = (): Float32Array => {
    const noise = draws.uniform(-1, 1, height * width);
    const smooth = gaussianFilter(noise, height, width, 1, sigma, 'reflect', 3);
    const out = new Float32Array(smooth.length);
    for (let i = 0; i < smooth.length; i++) out[i] = smooth[i] * alpha;
    return out;
  };
  const dx = field();
  const dy = field();
  return unitToBytes32(displaceBilinear(warped, height, width, 3, dy, dx));
};
