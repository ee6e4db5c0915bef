import { borderIndex } from './border.js';

/** cv2.getAffineTransform: the 2×3 matrix M with dst = M · [x, y, 1] for three point pairs. */
export function affineFromPoints(src: ArrayLike<number>, dst: ArrayLike<number>): Float64Array {
  // Solve [x y 1] · (a, b, c) = u for each output coordinate (Cramer's rule on the 3×3 system).
  const [x0, y0, x1, y1, x2, y2] = [src[0], src[1], src[2], src[3], src[4], src[5]];
  const det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1);
  const m = new Float64Array(6);
  for (let row = 0; row < 2; row++) {
    const [u0, u1, u2] = [dst[row], dst[2 + row], dst[4 + row]];
    m[row * 3] = (u0 * (y1 - y2) - y0 * (u1 - u2) + (u1 * y2 - u2 * y1)) / det;
    m[row * 3 + 1] = (x0 * (u1 - u2) - u0 * (x1 - x2) + (x1 * u2 - x2 * u1)) / det;
    m[row * 3 + 2] = (x0 * (y1 * u2 - y2 * u1) - y0 * (x1 * u2 - x2 * u1) + u0 * (x1 * y2 - x2 * y1)) / det;
  }
  return m;
}

/** cv::invertAffineTransform. */
function invertAffine(m: Float64Array): Float64Array {
  let d = m[0] * m[4] - m[1] * m[3];
  d = d !== 0 ? 1 / d : 0;
  const a11 = m[4] * d;
  const a22 = m[0] * d;
  const a12 = -m[1] * d;
  const a21 = -m[3] * d;
  return Float64Array.of(a11, a12, -a11 * m[2] - a12 * m[5], a21, a22, -a21 * m[2] - a22 * m[5]);
}

const INTER_BITS = 5;
const INTER_TAB_SIZE = 1 << INTER_BITS;
const AB_BITS = 10;
const AB_SCALE = 1 << AB_BITS;
const ROUND_DELTA = AB_SCALE / INTER_TAB_SIZE / 2;

/** cvRound: to nearest, halves to even (lrint). */
function cvRound(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * cv2.warpAffine(image, M, (w, h)) with bilinear interpolation and BORDER_REFLECT_101 on a float32
 * HWC image: source positions in 1/32-pixel fixed point (OpenCV's remap tables), float32 weights.
 */
export function warpAffine(src: Float32Array, height: number, width: number, channels: number, matrix: Float64Array): Float32Array {
  const m = invertAffine(matrix);
  const out = new Float32Array(src.length);
  const f = Math.fround;
  for (let y = 0; y < height; y++) {
    const x0 = cvRound((m[1] * y + m[2]) * AB_SCALE) + ROUND_DELTA;
    const y0 = cvRound((m[4] * y + m[5]) * AB_SCALE) + ROUND_DELTA;
    for (let x = 0; x < width; x++) {
      const X = (x0 + cvRound(m[0] * x * AB_SCALE)) >> (AB_BITS - INTER_BITS);
      const Y = (y0 + cvRound(m[3] * x * AB_SCALE)) >> (AB_BITS - INTER_BITS);
      const sx = X >> INTER_BITS;
      const sy = Y >> INTER_BITS;
      const ax = f((X & (INTER_TAB_SIZE - 1)) / INTER_TAB_SIZE);
      const ay = f((Y & (INTER_TAB_SIZE - 1)) / INTER_TAB_SIZE);
      const w00 = f(f(1 - ay) * f(1 - ax));
      const w01 = f(f(1 - ay) * ax);
      const w10 = f(ay * f(1 - ax));
      const w11 = f(ay * ax);
      const c0 = borderIndex(sx, width, 'mirror') * channels;
      const c1 = borderIndex(sx + 1, width, 'mirror') * channels;
      const r0 = borderIndex(sy, height, 'mirror') * width * channels;
      const r1 = borderIndex(sy + 1, height, 'mirror') * width * channels;
      const o = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) {
        out[o + c] = f(f(f(f(src[r0 + c0 + c] * w00) + f(src[r0 + c1 + c] * w01)) + f(src[r1 + c0 + c] * w10)) + f(src[r1 + c1 + c] * w11));
      }
    }
  }
  return out;
}
