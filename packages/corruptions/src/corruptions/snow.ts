import { motionBlurBytes, motionKernel } from '../filters/motion-blur.js';
import { clippedZoomAxis, clippedZoomInto } from '../filters/zoom.js';
import type { Corruption } from './context.js';

/**
 * A snow layer — N(loc, scale²) per pixel, clipped-zoomed, thresholded, stored as 8-bit gray and
 * motion-blurred by ImageMagick at an angle in [−135°, −45°) — added twice (as is and rotated
 * 180°) to the image brightened towards its gray level (cv2 RGB2GRAY · 1.5 + 0.5).
 */
export const snow: Corruption = ({ image, level, table, draws }) => {
  const [loc, scale, zoom, threshold, radius, sigma, mix] = table.snow[level];
  const n = table.size;
  const flakes = draws.normal(loc, scale, n * n);
  const zoomed = new Float64Array(n * n);
  clippedZoomInto(flakes, n, 1, clippedZoomAxis(n, zoom), zoomed, false, false);
  const gray = new Uint8Array(n * n);
  for (let i = 0; i < gray.length; i++) {
    const v = zoomed[i] < threshold ? 0 : zoomed[i];
    gray[i] = Math.trunc((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
  }
  const angle = draws.uniform(-135, -45, 1)[0];
  const blurred = motionBlurBytes(gray, n, n, 1, motionKernel(radius, sigma, angle));
  const out = new Uint8Array(image.image.length);
  const f = Math.fround;
  // numpy casts the Python scalars to float32 against the float32 image
  const keep = f(mix);
  const lift = f(1 - mix);
  const rgb = new Float64Array(3);
  for (let p = 0; p < n * n; p++) {
    const o = p * 3;
    for (let c = 0; c < 3; c++) rgb[c] = f(image.image[o + c] / 255);
    const lifted = f(f(f(f(f(f(0.299) * rgb[0]) + f(f(0.587) * rgb[1])) + f(f(0.114) * rgb[2])) * 1.5) + 0.5);
    const flake = blurred[p] / 255;
    const rotated = blurred[n * n - 1 - p] / 255;
    for (let c = 0; c < 3; c++) {
      const v = rgb[c];
      const mixed = f(f(keep * v) + f(lift * Math.max(v, lifted)));
      const total = mixed + flake + rotated;
      out[o + c] = Math.trunc((total < 0 ? 0 : total > 1 ? 1 : total) * 255);
    }
  }
  return out;
};
