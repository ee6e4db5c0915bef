import { borderIndex } from './border.js';

const CANNY_SHIFT = 15;
const TG22 = Math.trunc(0.4142135623730950488 * (1 << CANNY_SHIFT) + 0.5);

/**
 * cv2.Canny(gray, low, high) with OpenCV's defaults: 3×3 Sobel (replicated borders), L1 gradient
 * magnitude, non-maximum suppression by the 22.5°/67.5° sector tests, 8-connected hysteresis.
 * Returns 255 on edges, 0 elsewhere.
 */
export function canny(src: Uint8Array, height: number, width: number, low: number, high: number): Uint8Array {
  const gx = new Int32Array(src.length);
  const gy = new Int32Array(src.length);
  const mag = new Int32Array((height + 2) * (width + 2)); // zero frame around the image
  const at = (y: number, x: number): number => src[borderIndex(y, height, 'nearest') * width + borderIndex(x, width, 'nearest')];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = at(y - 1, x + 1) - at(y - 1, x - 1) + 2 * (at(y, x + 1) - at(y, x - 1)) + at(y + 1, x + 1) - at(y + 1, x - 1);
      const dy = at(y + 1, x - 1) - at(y - 1, x - 1) + 2 * (at(y + 1, x) - at(y - 1, x)) + at(y + 1, x + 1) - at(y - 1, x + 1);
      gx[y * width + x] = dx;
      gy[y * width + x] = dy;
      mag[(y + 1) * (width + 2) + x + 1] = Math.abs(dx) + Math.abs(dy);
    }
  }
  // 0: candidate, 1: not an edge, 2: edge
  const map = new Uint8Array(src.length).fill(1);
  const stack: number[] = [];
  const lowT = Math.floor(low);
  const highT = Math.floor(high);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const j = (y + 1) * (width + 2) + x + 1;
      const m = mag[j];
      if (m <= lowT || !isLocalMax(mag, j, width + 2, gx[y * width + x], gy[y * width + x], m)) continue;
      if (m > highT) {
        map[y * width + x] = 2;
        stack.push(y * width + x);
      } else map[y * width + x] = 0;
    }
  }
  while (stack.length > 0) {
    const p = stack.pop() as number;
    const y = Math.floor(p / width);
    const x = p - y * width;
    for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
      for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
        if (map[yy * width + xx] === 0) {
          map[yy * width + xx] = 2;
          stack.push(yy * width + xx);
        }
      }
    }
  }
  const edges = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) edges[i] = map[i] === 2 ? 255 : 0;
  return edges;
}

function isLocalMax(mag: Int32Array, j: number, step: number, xs: number, ys: number, m: number): boolean {
  const x = Math.abs(xs);
  const y = Math.abs(ys) * (1 << CANNY_SHIFT);
  const tg22x = x * TG22;
  if (y < tg22x) return m > mag[j - 1] && m >= mag[j + 1];
  const tg67x = tg22x + x * (1 << (CANNY_SHIFT + 1));
  if (y > tg67x) return m > mag[j - step] && m >= mag[j + step];
  const s = (xs ^ ys) < 0 ? -1 : 1;
  return m > mag[j - step - s] && m > mag[j + step + s];
}
